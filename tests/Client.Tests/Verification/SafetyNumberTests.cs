using XChat.Client.Keys;
using XChat.Client.Verification;

namespace XChat.Client.Tests.Verification;

public sealed class SafetyNumberTests
{
    private static readonly IdentityKey AliceKey = IdentityKeyPair.Generate().PublicKey;
    private static readonly IdentityKey AliceLaptop = IdentityKeyPair.Generate().PublicKey;
    private static readonly IdentityKey BobKey = IdentityKeyPair.Generate().PublicKey;

    [Fact]
    public void Compute_BothSides_SameNumber()
    {
        var byAlice = SafetyNumber.Compute("alice", [AliceKey, AliceLaptop], "bob", [BobKey]);
        var byBob = SafetyNumber.Compute("bob", [BobKey], "alice", [AliceLaptop, AliceKey]);

        Assert.Equal(byAlice, byBob);
        Assert.Equal(byAlice.Digits, byBob.Digits);
    }

    [Fact]
    public void Compute_ChangedIdentityKey_ChangesNumber()
    {
        var before = SafetyNumber.Compute("alice", [AliceKey], "bob", [BobKey]);
        var bobReinstalled = SafetyNumber.Compute("alice", [AliceKey], "bob", [IdentityKeyPair.Generate().PublicKey]);
        var aliceLinkedLaptop = SafetyNumber.Compute("alice", [AliceKey, AliceLaptop], "bob", [BobKey]);

        Assert.NotEqual(before, bobReinstalled);
        Assert.NotEqual(before, aliceLinkedLaptop);
        // Only the changed user's half moves: "alice" < "bob", so Bob's digits are the second 30.
        Assert.Equal(before.Digits[..30], bobReinstalled.Digits[..30]);
        Assert.NotEqual(before.Digits[30..], bobReinstalled.Digits[30..]);
    }

    [Fact]
    public void Compute_SameKeysOtherIdentifier_ChangesNumber()
    {
        Assert.NotEqual(
            SafetyNumber.Compute("alice", [AliceKey], "bob", [BobKey]),
            SafetyNumber.Compute("alice", [AliceKey], "bobby", [BobKey]));
    }

    [Fact]
    public void Format_SixtyDigitsInTwelveGroupsOfFive()
    {
        var number = SafetyNumber.Compute("alice", [AliceKey], "bob", [BobKey]);

        Assert.Equal(SafetyNumber.DigitCount, number.Digits.Length);
        Assert.All(number.Digits, c => Assert.InRange(c, '0', '9'));
        Assert.Equal(12, number.Groups.Count);
        Assert.All(number.Groups, group => Assert.Equal(5, group.Length));
        Assert.Equal(number.Digits, string.Concat(number.Groups));
        Assert.Matches(@"^(\d{5} ){11}\d{5}$", number.ToDisplayString());
    }

    [Fact]
    public void Compute_SameUserTwiceOrNoKeys_Throws()
    {
        Assert.Throws<ArgumentException>(() => SafetyNumber.Compute("alice", [AliceKey], "alice", [BobKey]));
        Assert.Throws<ArgumentException>(() => SafetyNumber.Compute("alice", [], "bob", [BobKey]));
    }
}
