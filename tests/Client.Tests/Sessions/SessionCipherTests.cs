using XChat.Client.Errors;
using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Tests.Sessions;

public sealed class SessionCipherTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Encrypt_ConversationBothDirectionsManyRounds_EveryMessageDecrypts(bool withOneTimePreKey)
    {
        var (alice, bob) = await TestDevice.PairAsync(withOneTimePreKey);
        var random = new Random(7);
        for (var round = 0; round < 40; round++)
        {
            var (sender, receiver) = round % 2 == 0 ? (alice, bob) : (bob, alice);
            var burst = random.Next(1, 4);
            for (var i = 0; i < burst; i++)
            {
                var text = $"round {round} message {i}";
                var wire = await sender.SendAsync(receiver, text);
                Assert.Equal(CiphertextMessageType.Whisper, wire.Type);
                Assert.Equal(text, await receiver.ReceiveAsync(sender, wire));
            }
        }
    }

    [Fact]
    public async Task Encrypt_WithoutSession_ThrowsNoSession()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");

        await Assert.ThrowsAsync<NoSessionException>(() => alice.SendAsync(bob, "x"));
    }

    [Fact]
    public async Task Decrypt_WithoutSession_ThrowsNoSession()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var carol = new TestDevice("carol");
        var wire = await alice.SendAsync(bob, "x");

        await Assert.ThrowsAsync<NoSessionException>(() => carol.ReceiveAsync(alice, wire));
    }

    [Fact]
    public async Task Decrypt_OutOfOrderWithinChain_EveryMessageDecrypts()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var sent = new List<(string Text, WireMessage Wire)>();
        for (var i = 0; i < 12; i++)
        {
            sent.Add(($"m{i}", await alice.SendAsync(bob, $"m{i}")));
        }

        foreach (var (text, wire) in sent.OrderBy(_ => Random.Shared.Next()))
        {
            Assert.Equal(text, await bob.ReceiveAsync(alice, wire));
        }
    }

    [Fact]
    public async Task Decrypt_LateMessagesFromEarlierChains_Decrypt()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        await alice.StartSessionAsync(await bob.PublishBundleAsync(), bob);
        var lateInitial = await alice.SendAsync(bob, "late initial");
        Assert.Equal("second", await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "second")));
        Assert.Equal("reply", await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "reply")));
        var lateNormal = await alice.SendAsync(bob, "late normal");
        await alice.SendAsync(bob, "lost forever");
        Assert.Equal("reply 2", await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "reply 2")));
        Assert.Equal("new chain", await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "new chain")));

        Assert.Equal("late normal", await bob.ReceiveAsync(alice, lateNormal));
        Assert.Equal("late initial", await bob.ReceiveAsync(alice, lateInitial));
    }

    [Fact]
    public async Task Decrypt_GapOfExactlyMaxSkip_Decrypts()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        WireMessage? last = null;
        for (var i = 0; i <= SessionLimits.MaxSkip; i++)
        {
            last = await alice.SendAsync(bob, $"m{i}");
        }

        Assert.Equal($"m{SessionLimits.MaxSkip}", await bob.ReceiveAsync(alice, last!));
    }

    [Fact]
    public async Task Decrypt_GapLargerThanMaxSkip_ThrowsInvalidMessageAndSessionStillWorks()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var sent = new List<WireMessage>();
        for (var i = 0; i <= SessionLimits.MaxSkip + 1; i++)
        {
            sent.Add(await alice.SendAsync(bob, $"m{i}"));
        }

        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, sent[^1]));
        Assert.Equal("m0", await bob.ReceiveAsync(alice, sent[0]));
        Assert.Equal($"m{SessionLimits.MaxSkip + 1}", await bob.ReceiveAsync(alice, sent[^1]));
    }

    [Fact]
    public async Task Decrypt_ReplayedMessage_ThrowsDuplicateMessage()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var first = await alice.SendAsync(bob, "first");
        var skipped = await alice.SendAsync(bob, "skipped");
        var third = await alice.SendAsync(bob, "third");
        await bob.ReceiveAsync(alice, first);
        await bob.ReceiveAsync(alice, third);
        await bob.ReceiveAsync(alice, skipped);

        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, first));
        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, skipped));
        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, third));

        // After a DH ratchet step the replay belongs to a finished chain: still a duplicate.
        await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "reply"));
        await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "new chain"));
        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, third));
    }

    [Fact]
    public async Task Decrypt_ReplayedInitialMessage_ThrowsDuplicateMessage()
    {
        var alice = new TestDevice("alice");
        var bob = new TestDevice("bob");
        await alice.StartSessionAsync(await bob.PublishBundleAsync(), bob);
        var initial = await alice.SendAsync(bob, "initial");
        await bob.ReceiveAsync(alice, initial);

        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, initial));
    }

    [Theory]
    [InlineData(-1)] // the tag
    [InlineData(-20)] // the ciphertext
    [InlineData(5)] // the ratchet key in the header
    [InlineData(36)] // PN
    [InlineData(40)] // N
    public async Task Decrypt_TamperedMessage_ThrowsInvalidMessageAndNextGenuineDecrypts(int index)
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var genuine = await alice.SendAsync(bob, "a message long enough to tamper with");

        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, genuine.WithBitFlipped(index)));
        Assert.Equal("a message long enough to tamper with", await bob.ReceiveAsync(alice, genuine));
        Assert.Equal("next", await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "next")));
        Assert.Equal("back", await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "back")));
    }

    [Fact]
    public async Task Decrypt_SessionBoundToAnotherIdentity_ThrowsInvalidMessage()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var record = await bob.LoadRecordAsync(alice);
        // Same keys, but the associated data names another identity for Alice: nothing must open.
        record.CurrentState!.RemoteIdentity = IdentityKeyPair.Generate().PublicKey;
        await bob.Stores.Sessions.StoreSessionAsync(alice.Address, record);

        await Assert.ThrowsAsync<InvalidMessageException>(async () => await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "x")));
    }

    [Fact]
    public async Task Decrypt_SenderIdentityNoLongerTrusted_ThrowsUntrustedIdentity()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var wire = await alice.SendAsync(bob, "x");
        await bob.Stores.Identities.SaveIdentityAsync(alice.Address, IdentityKeyPair.Generate().PublicKey);

        await Assert.ThrowsAsync<UntrustedIdentityException>(() => bob.ReceiveAsync(alice, wire));
        await Assert.ThrowsAsync<UntrustedIdentityException>(() => bob.SendAsync(alice, "y"));
    }

    [Fact]
    public async Task Decrypt_SkippedKeyOlderThanMaxPreviousChains_ThrowsInvalidMessage()
    {
        var (alice, bob) = await TestDevice.PairAsync();
        var kept = await alice.SendAsync(bob, "kept");
        var dropped = await alice.SendAsync(bob, "dropped");
        await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "delivered"));
        // The first step retires the chain of "kept" and "dropped"; it is forgotten once
        // MaxPreviousReceivingChains newer chains have been retired after it.
        for (var step = 0; step <= SessionLimits.MaxPreviousReceivingChains; step++)
        {
            await alice.ReceiveAsync(bob, await bob.SendAsync(alice, "ping"));
            await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "pong"));
            if (step == SessionLimits.MaxPreviousReceivingChains - 1)
            {
                Assert.Equal("kept", await bob.ReceiveAsync(alice, kept));
            }
        }

        // Its chain is forgotten too, so the message is indistinguishable from a forgery.
        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, dropped));
        Assert.True(0 == (await bob.LoadRecordAsync(alice)).CurrentState!.SkippedKeys.Count, "skipped keys of a forgotten chain are deleted");
        Assert.Equal("still works", await bob.ReceiveAsync(alice, await alice.SendAsync(bob, "still works")));
    }
}
