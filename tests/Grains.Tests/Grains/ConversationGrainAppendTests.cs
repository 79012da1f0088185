using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Grains;

/// <summary>Sequencing and idempotency of sends.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConversationGrainAppendTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task AppendAsync_ThreeSends_AssignsSeqsOneTwoThree()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);

        var first = await conversation.AppendAsync(TestSends.Shared(a));
        var second = await conversation.AppendAsync(TestSends.Shared(b));
        var third = await conversation.AppendAsync(TestSends.Shared(a));

        Assert.Equal([1L, 2L, 3L], [first.Seq, second.Seq, third.Seq]);
        Assert.False(first.Duplicate || second.Duplicate || third.Duplicate, "a first send is never a duplicate");
        Assert.Equal(3, (await conversation.GetAsync(a)).LastSeq);
        Assert.Equal(3, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task AppendAsync_RetrySameDeviceAndClientId_ReturnsSameSeqAsDuplicateAndStoresNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var send = TestSends.Shared(a);
        var original = await conversation.AppendAsync(send);
        await conversation.AppendAsync(TestSends.Shared(b));

        var retry = await conversation.AppendAsync(send with { SharedCiphertext = [1, 2, 3] });

        Assert.Equal(original.Seq, retry.Seq);
        Assert.Equal(original.ServerTimestampMs, retry.ServerTimestampMs);
        Assert.True(retry.Duplicate, "a retry with the same (device, client message id) must be reported as a duplicate");
        var log = await TestSends.ReadAllAsync(conversation, TestSends.Device(a));
        Assert.Equal([1L, 2L], log.Select(m => m.Seq));
        Assert.Equal(send.SharedCiphertext, log[0].SharedCiphertext);
    }

    [Fact]
    public async Task AppendManyAsync_MixedBatch_EachSendGetsItsOwnOutcomeInOrderAndOnlyGoodOnesAreStored()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var earlier = TestSends.Shared(a);
        var before = await conversation.AppendAsync(earlier);
        var first = TestSends.Shared(a);
        var empty = new AppendRequest(TestSends.Device(a), TestSends.NewClientId(), null, []);
        var second = TestSends.Shared(b);
        var toStranger = TestSends.ForDevices(a, TestSends.Device(Guid.NewGuid().ToString("N")));

        var outcomes = await conversation.AppendManyAsync([first, empty, second, earlier, toStranger, first]);

        Assert.Equal(6, outcomes.Count);
        Assert.Equal((2L, false), (outcomes[0].Result!.Seq, outcomes[0].Result!.Duplicate));
        Assert.IsType<InvalidRequestException>(outcomes[1].Error);
        Assert.Null(outcomes[1].Result);
        Assert.Equal((3L, false), (outcomes[2].Result!.Seq, outcomes[2].Result!.Duplicate));
        Assert.Equal((before.Seq, true), (outcomes[3].Result!.Seq, outcomes[3].Result!.Duplicate));
        Assert.IsType<InvalidRequestException>(outcomes[4].Error);
        Assert.Equal((2L, true), (outcomes[5].Result!.Seq, outcomes[5].Result!.Duplicate));
        var log = await TestSends.ReadAllAsync(conversation, TestSends.Device(a));
        Assert.Equal([1L, 2L, 3L], log.Select(m => m.Seq));
        Assert.Equal([earlier.ClientMessageId, first.ClientMessageId, second.ClientMessageId], log.Select(m => m.ClientMessageId));
    }

    [Fact]
    public async Task AppendManyAsync_FromANonMember_EverySendForbiddenAndNothingStored()
    {
        var (_, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var stranger = await TestUsers.RegisterAsync(Grains);

        var outcomes = await conversation.AppendManyAsync([TestSends.Shared(stranger), TestSends.Shared(stranger)]);

        Assert.All(outcomes, o => Assert.IsType<ForbiddenException>(o.Error));
        Assert.Equal(0, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task AppendManyAsync_ManyConcurrentBatches_SeqsGapFreeAndEachSendOnce()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var batches = Enumerable.Range(0, 20)
            .Select(i => Enumerable.Range(0, 10).Select(_ => TestSends.Shared(i % 2 == 0 ? a : b)).ToArray())
            .ToArray();

        var perBatch = await Task.WhenAll(batches.Select(batch => conversation.AppendManyAsync(batch)));

        var outcomes = perBatch.SelectMany(o => o).ToArray();
        Assert.All(outcomes, o => Assert.False(o.Result!.Duplicate));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), outcomes.Select(o => o.Result!.Seq).Order());
        foreach (var batch in perBatch)
        {
            var seqs = batch.Select(o => o.Result!.Seq).ToArray();
            Assert.Equal(seqs.Order(), seqs); // within a batch the sends keep their order
        }

        Assert.Equal(200, (await TestSends.ReadAllAsync(conversation, TestSends.Device(a))).Count);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentTwins_CommitOnceAndOneIsDuplicate()
    {
        var (a, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var send = TestSends.Shared(a);

        var results = await Task.WhenAll(conversation.AppendAsync(send), conversation.AppendAsync(send), conversation.AppendAsync(send));

        Assert.All(results, r => Assert.Equal(1, r.Seq));
        Assert.Equal(1, results.Count(r => !r.Duplicate));
        Assert.Equal(1, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task AppendAsync_SameClientIdFromAnotherDevice_IsANewMessage()
    {
        var (a, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var send = TestSends.Shared(a);

        var fromDeviceOne = await conversation.AppendAsync(send);
        var fromDeviceTwo = await conversation.AppendAsync(send with { Sender = TestSends.Device(a, 2) });

        Assert.False(fromDeviceTwo.Duplicate, "the idempotency key is (sender device, client message id), not the client id alone");
        Assert.Equal(fromDeviceOne.Seq + 1, fromDeviceTwo.Seq);
    }

    [Fact]
    public async Task AppendAsync_TwentySendersFiftyEachConcurrently_AssignsOneToThousandGapFree()
    {
        const int senders = 20;
        const int perSender = 50;
        var users = await TestUsers.RegisterManyAsync(Grains, senders);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1..]);
        var sends = users.SelectMany(u => Enumerable.Range(0, perSender).Select(_ => TestSends.Shared(u, bytes: 24))).ToArray();

        var results = await Task.WhenAll(sends.Select(conversation.AppendAsync));

        Assert.Equal(Enumerable.Range(1, senders * perSender).Select(i => (long)i), results.Select(r => r.Seq).Order());
        Assert.DoesNotContain(results, r => r.Duplicate);
        var log = await TestSends.ReadAllAsync(conversation, TestSends.Device(users[0]));
        Assert.Equal(Enumerable.Range(1, senders * perSender).Select(i => (long)i), log.Select(m => m.Seq));
        Assert.Equal(log.Count, log.Select(m => (m.Sender, m.ClientMessageId)).Distinct().Count());
        // Each acknowledged seq holds exactly the send it was acknowledged for.
        var sentBySeq = sends.Zip(results).ToDictionary(p => p.Second.Seq, p => p.First);
        Assert.All(log, m =>
        {
            var sent = sentBySeq[m.Seq];
            Assert.Equal(sent.Sender, m.Sender);
            Assert.Equal(sent.ClientMessageId, m.ClientMessageId);
            Assert.Equal(sent.SharedCiphertext, m.SharedCiphertext);
        });
    }

    [Fact]
    public async Task AppendAsync_RetryAfterDeactivation_ReturnsSameSeqAsDuplicate()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var sends = new[] { TestSends.Shared(a), TestSends.Shared(b), TestSends.Shared(a) };
        var originals = new List<AppendResult>();
        foreach (var send in sends)
        {
            originals.Add(await conversation.AppendAsync(send));
        }

        // The new activation re-reads the log's client ids; the answer itself must come from the store.
        await fixture.Cluster.DeactivateAsync(conversation);
        var retry = await conversation.AppendAsync(sends[1]);
        var next = await conversation.AppendAsync(TestSends.Shared(b));

        Assert.True(retry.Duplicate, "idempotency must survive deactivation");
        Assert.Equal(originals[1].Seq, retry.Seq);
        Assert.Equal(originals[1].ServerTimestampMs, retry.ServerTimestampMs);
        Assert.Equal(4, next.Seq);
        Assert.Equal(4, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task AppendAsync_EmptyPayload_ThrowsInvalidRequestAndStoresNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var noCiphertext = new AppendRequest(TestSends.Device(a), TestSends.NewClientId(), null, []);
        var emptyCiphertexts = new AppendRequest(TestSends.Device(a), TestSends.NewClientId(), [], [new DeviceCiphertext(b, 1, [])]);

        await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.AppendAsync(noCiphertext));
        await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.AppendAsync(emptyCiphertexts));

        await AssertNothingStoredAsync(conversation, noCiphertext, emptyCiphertexts);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234x")]
    public async Task AppendAsync_BadClientMessageId_ThrowsInvalidRequestAndStoresNothing(string clientId)
    {
        var (a, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var send = TestSends.Shared(a, clientId);

        await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.AppendAsync(send));

        await AssertNothingStoredAsync(conversation, send);
    }

    [Fact]
    public async Task AppendAsync_DeviceCiphertextToNonMember_ThrowsInvalidRequestAndStoresNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var outsider = await TestUsers.RegisterAsync(Grains);
        var send = TestSends.ForDevices(a, TestSends.Device(b), TestSends.Device(outsider));

        await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.AppendAsync(send));

        await AssertNothingStoredAsync(conversation, send);
    }

    private async Task AssertNothingStoredAsync(IConversationGrain conversation, params AppendRequest[] rejected)
    {
        var id = conversation.GetPrimaryKeyString();
        Assert.True(await fixture.Store.GetLastSeqAsync(id) == 0, "a rejected send must store nothing");
        var keys = rejected.Select(r => new ClientMessageKey(r.Sender.Key, r.ClientMessageId)).ToArray();
        Assert.Empty(await fixture.Store.FindByClientIdsAsync(id, keys));
        Assert.Equal(0, (await conversation.GetAsync(rejected[0].Sender.UserId)).LastSeq);
    }
}
