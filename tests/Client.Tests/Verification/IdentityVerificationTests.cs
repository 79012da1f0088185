using XChat.Client.Errors;
using XChat.Client.Keys;
using XChat.Client.Verification;

namespace XChat.Client.Tests.Verification;

public sealed class IdentityVerificationTests
{
    private static readonly IdentityKey AliceKey = IdentityKeyPair.Generate().PublicKey;
    private static readonly IdentityKey BobKey = IdentityKeyPair.Generate().PublicKey;
    private static readonly IdentityKey BobNewKey = IdentityKeyPair.Generate().PublicKey;

    private readonly IdentityVerification _alice = new("alice", () => [AliceKey]);

    [Fact]
    public void Observe_FirstTime_UnverifiedAndCanSend()
    {
        var record = _alice.Observe("bob", [BobKey]);

        Assert.Equal(IdentityTrustState.Unverified, record.State);
        Assert.True(record.CanSend, "Trust on first use: a new contact can be messaged at once.");
        _alice.EnsureCanSend("bob");
    }

    [Fact]
    public void MarkVerified_MatchingNumber_Verified()
    {
        _alice.Observe("bob", [BobKey]);
        var shown = _alice.SafetyNumberOf("bob");

        Assert.Equal(SafetyNumber.Compute("bob", [BobKey], "alice", [AliceKey]), shown);
        Assert.Equal(IdentityTrustState.Verified, _alice.MarkVerified("bob", shown).State);
        Assert.Equal(IdentityTrustState.Verified, _alice.Observe("bob", [BobKey]).State);
    }

    [Fact]
    public void Observe_KeyChangedAfterVerification_ChangedAndSendingBlocked()
    {
        _alice.Observe("bob", [BobKey]);
        _alice.MarkVerified("bob", _alice.SafetyNumberOf("bob"));

        var record = _alice.Observe("bob", [BobNewKey]);

        Assert.Equal(IdentityTrustState.ChangedSinceVerified, record.State);
        Assert.True(record.WasVerified);
        Assert.False(record.CanSend, "A changed key needs re-verification or an explicit accept before sending.");
        Assert.Throws<UntrustedIdentityException>(() => _alice.EnsureCanSend("bob"));
    }

    [Fact]
    public void Observe_KeyChangedWhileUnverified_SendingBlockedUntilAccepted()
    {
        _alice.Observe("bob", [BobKey]);
        Assert.Equal(IdentityTrustState.ChangedSinceVerified, _alice.Observe("bob", [BobNewKey]).State);
        Assert.Throws<UntrustedIdentityException>(() => _alice.EnsureCanSend("bob"));

        var accepted = _alice.Accept("bob");

        Assert.Equal(IdentityTrustState.Unverified, accepted.State);
        Assert.Equal([BobNewKey], accepted.AcceptedKeys);
        _alice.EnsureCanSend("bob");
    }

    [Fact]
    public void MarkVerified_AfterChange_VerifiesNewKeys()
    {
        _alice.Observe("bob", [BobKey]);
        var oldNumber = _alice.SafetyNumberOf("bob");
        _alice.Observe("bob", [BobNewKey]);

        Assert.Throws<InvalidOperationException>(() => _alice.MarkVerified("bob", oldNumber));
        var record = _alice.MarkVerified("bob", _alice.SafetyNumberOf("bob"));

        Assert.Equal(IdentityTrustState.Verified, record.State);
        _alice.EnsureCanSend("bob");
    }

    [Fact]
    public void Observe_NewDeviceLinked_DetectedAsChange()
    {
        _alice.Observe("bob", [BobKey]);
        _alice.MarkVerified("bob", _alice.SafetyNumberOf("bob"));

        Assert.Equal(IdentityTrustState.ChangedSinceVerified, _alice.Observe("bob", [BobKey, BobNewKey]).State);
        Assert.Equal(IdentityTrustState.Verified, _alice.Observe("bob", [BobKey]).State);
    }
}
