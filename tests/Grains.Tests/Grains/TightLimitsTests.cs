using System.Security.Cryptography;
using XChat.Grains.Connections;
using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Storage;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>Configured limits, on a cluster where they are small (see <see cref="TightLimitsClusterFixture"/>).</summary>
[Collection(TightLimitsClusterCollection.Name)]
public sealed class TightLimitsTests(TightLimitsClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task AppendAsync_PayloadAtLimit_IsAccepted()
    {
        var (a, _, conversation) = await TestUsers.NewDirectAsync(Grains);

        var result = await conversation.AppendAsync(TestSends.Shared(a, bytes: TightLimitsClusterFixture.MaxPayloadBytes));

        Assert.Equal(1, result.Seq);
    }

    [Fact]
    public async Task AppendAsync_SharedCiphertextOverLimit_ThrowsPayloadTooLargeAndStoresNothing()
    {
        var (a, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var send = TestSends.Shared(a, bytes: TightLimitsClusterFixture.MaxPayloadBytes + 1);

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => conversation.AppendAsync(send));

        await AssertNothingStoredAsync(conversation, send);
    }

    [Fact]
    public async Task AppendAsync_SharedPlusDeviceCiphertextsOverLimit_ThrowsPayloadTooLargeAndStoresNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        // Each part is under the limit; together they are over it.
        var send = new AppendRequest(TestSends.Device(a), TestSends.NewClientId(), RandomNumberGenerator.GetBytes(600),
            [new DeviceCiphertext(b, 1, RandomNumberGenerator.GetBytes(300)), new DeviceCiphertext(b, 2, RandomNumberGenerator.GetBytes(300))]);

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => conversation.AppendAsync(send));

        await AssertNothingStoredAsync(conversation, send);
    }

    [Fact]
    public async Task AddMemberAsync_GroupAtMaxMembers_ThrowsLimitReached()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, TightLimitsClusterFixture.MaxGroupMembers + 1);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1..TightLimitsClusterFixture.MaxGroupMembers]);

        await Assert.ThrowsAsync<LimitReachedException>(() => conversation.AddMemberAsync(users[0], users[^1]));

        Assert.Equal(TightLimitsClusterFixture.MaxGroupMembers, (await conversation.GetAsync(users[0])).Members.Count);
        Assert.Empty(await Grains.GetGrain<IUserGrain>(users[^1]).GetConversationsAsync());
    }

    [Fact]
    public async Task CreateAsync_GroupOverMaxMembers_ThrowsLimitReachedAndCreatesNothing()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, TightLimitsClusterFixture.MaxGroupMembers + 1);
        var conversation = Grains.GetGrain<IConversationGrain>(ConversationIds.NewGroup());

        await Assert.ThrowsAsync<LimitReachedException>(() => conversation.CreateAsync(users[0], ConversationKind.Group, users[1..]));

        await Assert.ThrowsAsync<NotFoundException>(() => conversation.GetAsync(users[0]));
        Assert.Empty(await Grains.GetGrain<IUserGrain>(users[0]).GetConversationsAsync());
    }

    [Fact]
    public async Task AppendAsync_RetryOlderThanRecentSends_ReturnsSameSeqFromStore()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var first = TestSends.Shared(a);
        var original = await conversation.AppendAsync(first);
        // Push the first send out of the activation's memory of recent sends.
        for (var i = 0; i < TightLimitsClusterFixture.RecentSendsRemembered + 4; i++)
        {
            await conversation.AppendAsync(TestSends.Shared(b));
        }

        var lastSeq = await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString());
        var retry = await conversation.AppendAsync(first);

        Assert.True(retry.Duplicate, "a retry the activation has forgotten must still be found in the store");
        Assert.Equal(original.Seq, retry.Seq);
        Assert.Equal(lastSeq, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }

    [Theory]
    [InlineData(TightLimitsClusterFixture.RecentSendsRemembered)] // the whole log fits the window again
    [InlineData(TightLimitsClusterFixture.RecentSendsRemembered + 4)] // it does not: the store is asked
    public async Task AppendAsync_AfterReactivation_RetriesOfOldAndNewestSendsAreDuplicates_NewSendsAreStored(int logLength)
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var sends = Enumerable.Range(0, logLength).Select(i => TestSends.Shared(i % 2 == 0 ? a : b)).ToArray();
        var originals = new List<AppendResult>();
        foreach (var send in sends)
        {
            originals.Add(await conversation.AppendAsync(send));
        }

        await fixture.Cluster.DeactivateAsync(conversation);
        var fresh = await conversation.AppendAsync(TestSends.Shared(a));
        var retryOfFirst = await conversation.AppendAsync(sends[0]);
        var retryOfLast = await conversation.AppendAsync(sends[^1]);
        var another = await conversation.AppendAsync(TestSends.Shared(b));

        Assert.Equal(logLength + 1, fresh.Seq);
        Assert.False(fresh.Duplicate);
        Assert.True(retryOfFirst.Duplicate && retryOfLast.Duplicate, "retries of sends from before the activation are found");
        Assert.Equal(originals[0].Seq, retryOfFirst.Seq);
        Assert.Equal(originals[^1].Seq, retryOfLast.Seq);
        Assert.Equal(logLength + 2, another.Seq);
        Assert.Equal(logLength + 2, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentSendsAndRetriesBeyondRecentSends_StayGapFreeAndIdempotent()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, TightLimitsClusterFixture.MaxGroupMembers);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1..]);
        var sends = Enumerable.Range(0, 200).Select(i => TestSends.Shared(users[i % users.Length], bytes: 16)).ToArray();
        var originals = await Task.WhenAll(sends.Select(conversation.AppendAsync));

        // Retries of every send race new sends; most retries are no longer remembered in memory.
        var newSends = Enumerable.Range(0, 100).Select(i => TestSends.Shared(users[i % users.Length], bytes: 16)).ToArray();
        var retries = Task.WhenAll(sends.Select(conversation.AppendAsync));
        var fresh = await Task.WhenAll(newSends.Select(conversation.AppendAsync));

        var retried = await retries;
        Assert.Equal(originals.Select(r => r.Seq), retried.Select(r => r.Seq));
        Assert.True(retried.All(r => r.Duplicate), "every retry of an acknowledged send is a duplicate");
        Assert.Equal(Enumerable.Range(201, 100).Select(i => (long)i), fresh.Select(r => r.Seq).Order());
        Assert.Equal(300, await fixture.Store.GetLastSeqAsync(conversation.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task AppendAsync_SubscriptionExpired_ExpiredObserverGetsNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var user = Grains.GetGrain<IUserGrain>(b);
        var expired = new RecordingPushObserver();
        var expiredReference = Grains.CreateObjectReference<IPushObserver>(expired);
        await user.SubscribeAsync(1, expiredReference);
        await Task.Delay(TightLimitsClusterFixture.PushSubscriptionLifetime + TimeSpan.FromMilliseconds(500));

        // A fresh subscription on another observer shows that the push did happen.
        var fresh = new RecordingPushObserver();
        var freshReference = Grains.CreateObjectReference<IPushObserver>(fresh);
        await user.SubscribeAsync(1, freshReference);
        var result = await conversation.AppendAsync(TestSends.Shared(a));

        Assert.Equal(result.Seq, (await fresh.NextAsync()).Message.Message.Seq);
        await Task.Delay(200);
        Assert.False(expired.HasPending, "a subscription that was not refreshed within its lifetime gets no pushes");
        Assert.True(await user.SubscribeAsync(1, expiredReference), "renewing an expired subscription reports it as new, so the device resyncs");
        Grains.DeleteObjectReference<IPushObserver>(expiredReference);
        Grains.DeleteObjectReference<IPushObserver>(freshReference);
    }

    private async Task AssertNothingStoredAsync(IConversationGrain conversation, AppendRequest rejected)
    {
        var id = conversation.GetPrimaryKeyString();
        Assert.True(await fixture.Store.GetLastSeqAsync(id) == 0, "a rejected send must store nothing");
        Assert.Empty(await fixture.Store.FindByClientIdsAsync(id, [new ClientMessageKey(rejected.Sender.Key, rejected.ClientMessageId)]));
    }
}
