using XChat.Grains.Conversations;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Grains;

public class RecentSendsTests
{
    private static ClientMessageKey Key(int i) => new("user/1", $"message-{i}");

    [Fact]
    public void MayContain_RememberedSend_IsTrue_AndAnUnseenOneFalse()
    {
        var recent = new RecentSends(capacity: 8);
        recent.Remember(Key(1));

        Assert.True(recent.MayContain(Key(1)));
        Assert.True(recent.MayContain(new ClientMessageKey(new string("user/1".AsSpan()), new string("message-1".AsSpan()))));
        Assert.False(recent.MayContain(Key(2)));
        Assert.False(recent.MayContain(new ClientMessageKey("user/2", "message-1")));
        Assert.False(recent.HasForgotten);
    }

    [Fact]
    public void Remember_BeyondCapacity_ForgetsTheOldestFirst_AndSaysSo()
    {
        var recent = new RecentSends(capacity: 3);
        for (var i = 1; i <= 4; i++)
        {
            recent.Remember(Key(i));
        }

        Assert.True(recent.HasForgotten);
        Assert.Equal(3, recent.Count);
        Assert.False(recent.MayContain(Key(1)));
        Assert.True(recent.MayContain(Key(2)));
        Assert.True(recent.MayContain(Key(4)));
    }

    [Fact]
    public void SharedFingerprint_MatchesEveryKeyWithIt_UntilTheLastOneIsForgotten()
    {
        // Every key gets the fingerprint of its number's parity: keys 1 and 3 collide.
        var recent = new RecentSends(capacity: 2, key => int.Parse(key.ClientMessageId.AsSpan("message-".Length)) % 2);
        recent.Remember(Key(1));
        recent.Remember(Key(3));

        Assert.True(recent.MayContain(Key(5))); // a "maybe": never sent, but the store must say so
        Assert.False(recent.MayContain(Key(2)));

        recent.Remember(Key(2)); // forgets key 1; key 3 still holds the shared fingerprint
        Assert.True(recent.MayContain(Key(1)));

        recent.Remember(Key(4)); // forgets key 3: nothing odd is remembered any more
        Assert.False(recent.MayContain(Key(1)));
        Assert.False(recent.MayContain(Key(3)));
        Assert.True(recent.MayContain(Key(2)));
    }

    [Fact]
    public void Capacity_ZeroOrLess_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecentSends(0));
    }
}
