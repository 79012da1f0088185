using XChat.Grains.Connections;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>Grains that move to another silo keep their promises: the log and idempotency live in the store.</summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class TwoSiloTests(TwoSiloClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task AppendAsync_ConversationMovedToOtherSilo_RetryIsDuplicateAndSeqContinues()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var sends = new[] { TestSends.Shared(a), TestSends.Shared(b), TestSends.Shared(a) };
        var originals = new List<XChat.Grains.Conversations.AppendResult>();
        foreach (var send in sends)
        {
            originals.Add(await conversation.AppendAsync(send));
        }

        var before = HostOf(conversation);
        await fixture.Cluster.MigrateAsync(conversation, OtherSilo(before));
        var retry = await conversation.AppendAsync(sends[0]);
        var next = await conversation.AppendAsync(TestSends.Shared(b));

        Assert.NotEqual(before, HostOf(conversation));
        Assert.True(retry.Duplicate, "a retry reaching a new activation on another silo is still a duplicate");
        Assert.Equal(originals[0].Seq, retry.Seq);
        Assert.Equal(4, next.Seq);
        Assert.Equal([1L, 2L, 3L, 4L], (await TestSends.ReadAllAsync(conversation, TestSends.Device(b))).Select(m => m.Seq));
    }

    [Fact]
    public async Task AppendAsync_RecipientOnOtherSilo_PushArrives()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await conversation.GetAsync(a);
        var user = Grains.GetGrain<IUserGrain>(b);
        await user.GetProfileAsync();
        var conversationHost = HostOf(conversation);
        if (HostOf(user).Equals(conversationHost))
        {
            await fixture.Cluster.MigrateAsync(user, OtherSilo(conversationHost));
        }

        // Subscriptions are in memory, so subscribe after the move.
        var observer = new RecordingPushObserver();
        var reference = Grains.CreateObjectReference<IPushObserver>(observer);
        await user.SubscribeAsync(1, reference);
        var result = await conversation.AppendAsync(TestSends.Shared(a));

        Assert.NotEqual(conversationHost, HostOf(user));
        Assert.Equal(result.Seq, (await observer.NextAsync()).Message.Message.Seq);
        Grains.DeleteObjectReference<IPushObserver>(reference);
    }

    private SiloAddress HostOf(IAddressable grain) =>
        fixture.Cluster.TryGetGrainContext(grain.GetGrainId(), out var context)
            ? context.Address.SiloAddress!
            : throw new InvalidOperationException("The grain is not active.");

    private SiloAddress OtherSilo(SiloAddress silo) =>
        fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).First(s => !s.Equals(silo));
}
