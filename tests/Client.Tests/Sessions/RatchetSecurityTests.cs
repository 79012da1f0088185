using XChat.Client.Ratchet;

namespace XChat.Client.Tests.Sessions;

/// <summary>Properties checked on the session state itself: what an attacker holding old keys can and cannot derive.</summary>
public sealed class RatchetSecurityTests
{
    [Fact]
    public async Task DhRatchetStep_OldChainKeyCompromised_CannotDeriveNewMessageKeys()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var old = await alice.SendAsync(bob, "under the old chain");
        var stolen = (await alice.LoadRecordAsync(bob)).CurrentState!.SendingChainKey!;

        // Bob receives it and replies with a new ratchet key: Alice's next message is sent on a
        // chain from a fresh DH ratchet step (a reply without a new key would not move the chain).
        await bob.ReceiveAsync(alice, old);
        await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "reply"));
        var fresh = (await alice.LoadRecordAsync(bob)).CurrentState!;
        Assert.True(fresh.SendCounter == 0, "the reply must have caused a DH ratchet step (a new sending chain)");
        var (nextMessageKey, _) = RatchetKdf.Chain(fresh.SendingChainKey!);

        var chainKey = stolen;
        for (var i = 0; i < 2 * SessionLimits.MaxSkip; i++)
        {
            (var messageKey, chainKey) = RatchetKdf.Chain(chainKey);
            Assert.False(messageKey.AsSpan().SequenceEqual(nextMessageKey), "a message key of the new chain must not follow from the old chain key");
            Assert.False(chainKey.AsSpan().SequenceEqual(fresh.SendingChainKey!), "the new chain key must not follow from the old chain key");
        }
    }

    [Fact]
    public async Task DhRatchetStep_EachStep_ReplacesRatchetKeyAndRootKey()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var before = (await alice.LoadRecordAsync(bob)).CurrentState!;

        await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "a"));
        await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "b"));
        var after = (await alice.LoadRecordAsync(bob)).CurrentState!;

        Assert.False(before.RootKey.AsSpan().SequenceEqual(after.RootKey), "every DH ratchet step moves the root key");
        Assert.False(before.SendingRatchetKey.PublicKey.AsSpan().SequenceEqual(after.SendingRatchetKey.PublicKey), "every DH ratchet step uses a fresh key pair");
    }

    [Fact]
    public async Task SkippedKeys_SeveralLargeGaps_StayWithinTotalBound()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        for (var gap = 0; gap < 3; gap++)
        {
            WireMessage? last = null;
            for (var i = 0; i <= SessionLimits.MaxSkip; i++)
            {
                last = await alice.SendAsync(bob, "x");
            }

            await bob.ReceiveAsync(alice, last!);
            await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "y"));
        }

        var skipped = (await bob.LoadRecordAsync(alice)).CurrentState!.SkippedKeys.Count;
        Assert.True(skipped <= SessionLimits.MaxSkippedMessageKeys, $"at most {SessionLimits.MaxSkippedMessageKeys} skipped keys are kept, found {skipped}");
    }
}
