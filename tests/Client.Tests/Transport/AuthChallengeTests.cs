using System.Text;
using XChat.Client.Transport;

namespace XChat.Client.Tests.Transport;

public sealed class AuthChallengeTests
{
    [Fact]
    public void SigningInput_Challenge_IsDomainThenChallenge()
    {
        var challenge = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        var input = AuthChallenge.SigningInput(challenge);

        Assert.Equal(Encoding.UTF8.GetBytes("xchat-auth-v1").Concat(challenge), input);
    }

    [Fact]
    public void SigningInput_ShortChallenge_Throws()
    {
        Assert.Throws<InvalidDataException>(() => AuthChallenge.SigningInput(new byte[31]));
    }
}
