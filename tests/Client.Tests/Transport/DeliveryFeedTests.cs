using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Client.Tests.Transport;

public sealed class DeliveryFeedTests
{
    private const string Conversation = "c1";

    private readonly List<Envelope> _delivered = [];

    [Fact]
    public void OnPush_BeforeResume_DeliversNothing()
    {
        var feed = NewFeed();

        Assert.Null(feed.OnPush(Message(1)));
        Assert.Empty(_delivered);
    }

    [Fact]
    public void OnResume_PushedBeforeResume_SyncsFromServerCursor()
    {
        var feed = NewFeed();
        feed.OnPush(Message(8));

        var syncs = feed.OnResume([new ConversationCursor(Conversation, LastSeq: 7, ServerCursor: 5)]);

        var sync = Assert.Single(syncs);
        Assert.Equal(5UL, sync.AfterSeq);
    }

    [Fact]
    public void OnResume_NothingNew_StartsNoSync()
    {
        var feed = NewFeed();

        var syncs = feed.OnResume([new ConversationCursor(Conversation, LastSeq: 5, ServerCursor: 5)]);

        Assert.Empty(syncs);
    }

    [Fact]
    public void OnResume_AppCursor_WinsOverServerCursor()
    {
        var feed = new DeliveryFeed(_delivered.Add, new Dictionary<string, ulong> { [Conversation] = 3 });

        var sync = Assert.Single(feed.OnResume([new ConversationCursor(Conversation, LastSeq: 9, ServerCursor: 6)]));

        Assert.Equal(3UL, sync.AfterSeq);
    }

    [Fact]
    public void OnPush_NextSeq_DeliversAndAdvances()
    {
        var feed = ResumedFeed(cursor: 4);

        Assert.Null(feed.OnPush(Message(5)));
        Assert.Null(feed.OnPush(Message(6)));

        Assert.Equal([5UL, 6UL], DeliveredSeqs());
        Assert.Equal(6UL, feed.CursorOf(Conversation));
    }

    [Fact]
    public void OnPush_SeqAtOrBelowCursor_DropsDuplicate()
    {
        var feed = ResumedFeed(cursor: 4);
        feed.OnPush(Message(5));

        feed.OnPush(Message(5));
        feed.OnPush(Message(3));

        Assert.Equal([5UL], DeliveredSeqs());
    }

    [Fact]
    public void OnPush_Gap_AsksForSyncFromCursorAndHoldsBack()
    {
        var feed = ResumedFeed(cursor: 4);

        var sync = feed.OnPush(Message(7));

        Assert.NotNull(sync);
        Assert.Equal(4UL, sync.Value.AfterSeq);
        Assert.Empty(_delivered);
    }

    [Fact]
    public void OnPush_SecondGapWhileSyncing_StartsNoSecondSync()
    {
        var feed = ResumedFeed(cursor: 4);
        feed.OnPush(Message(7));

        Assert.Null(feed.OnPush(Message(8)));
    }

    [Fact]
    public void OnSyncPage_GapFilled_DeliversInOrderOnce()
    {
        var feed = ResumedFeed(cursor: 4);
        var sync = feed.OnPush(Message(7))!.Value;

        var next = feed.OnSyncPage(sync, [Message(5), Message(6), Message(7)], hasMore: false);
        feed.OnPush(Message(7));
        feed.OnPush(Message(8));

        Assert.Null(next);
        Assert.Equal([5UL, 6UL, 7UL, 8UL], DeliveredSeqs());
    }

    [Fact]
    public void OnSyncPage_HasMore_ContinuesFromNewCursor()
    {
        var feed = ResumedFeed(cursor: 0);
        var sync = feed.OnPush(Message(5))!.Value;

        var next = feed.OnSyncPage(sync, [Message(1), Message(2)], hasMore: true);

        Assert.NotNull(next);
        Assert.Equal(2UL, next.Value.AfterSeq);
    }

    [Fact]
    public void OnSyncPage_PushSeenBeyondLastPage_ContinuesSync()
    {
        var feed = ResumedFeed(cursor: 0);
        var sync = feed.OnPush(Message(3))!.Value;
        feed.OnPush(Message(9));

        // The page was read before seq 9 committed: the push proves there is more.
        var next = feed.OnSyncPage(sync, [Message(1), Message(2), Message(3)], hasMore: false);

        Assert.NotNull(next);
        Assert.Equal(3UL, next.Value.AfterSeq);
    }

    [Fact]
    public void OnSyncPage_NoProgress_StopsSoHolesCannotLoop()
    {
        var feed = ResumedFeed(cursor: 2);
        var sync = feed.OnPush(Message(5))!.Value;

        Assert.Null(feed.OnSyncPage(sync, [], hasMore: false));
        Assert.NotNull(feed.OnPush(Message(6)));
    }

    [Fact]
    public void OnSyncPage_PushesInterleaved_EachSeqOnceInOrder()
    {
        var feed = ResumedFeed(cursor: 0);
        var sync = feed.OnPush(Message(3))!.Value;
        feed.OnPush(Message(4));

        var next = feed.OnSyncPage(sync, [Message(1), Message(2)], hasMore: true)!.Value;
        feed.OnPush(Message(3));
        feed.OnSyncPage(next, [Message(3), Message(4)], hasMore: false);
        feed.OnPush(Message(5));

        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], DeliveredSeqs());
    }

    [Fact]
    public void OnSyncPage_StaleSyncAfterReconnect_DeliversButDoesNotContinue()
    {
        var feed = ResumedFeed(cursor: 0);
        var stale = feed.OnPush(Message(5))!.Value;
        feed.OnConnectionLost();
        var fresh = Assert.Single(feed.OnResume([new ConversationCursor(Conversation, LastSeq: 5, ServerCursor: 0)]));

        Assert.Null(feed.OnSyncPage(stale, [Message(1), Message(2)], hasMore: true));
        var next = feed.OnSyncPage(fresh, [Message(1), Message(2), Message(3)], hasMore: true);

        Assert.Equal([1UL, 2UL, 3UL], DeliveredSeqs());
        Assert.Equal(3UL, next!.Value.AfterSeq);
    }

    [Fact]
    public void OnResume_KnownConversation_KeepsLocalCursor()
    {
        var feed = ResumedFeed(cursor: 0);
        feed.OnPush(Message(1));
        feed.OnPush(Message(2));
        feed.OnConnectionLost();

        // The server cursor trails (acks are coalesced and may be lost with the socket).
        var sync = Assert.Single(feed.OnResume([new ConversationCursor(Conversation, LastSeq: 4, ServerCursor: 1)]));

        Assert.Equal(2UL, sync.AfterSeq);
    }

    [Fact]
    public void OnSyncFailed_ThenGap_StartsNewSync()
    {
        var feed = ResumedFeed(cursor: 0);
        var sync = feed.OnPush(Message(3))!.Value;

        feed.OnSyncFailed(sync);

        Assert.NotNull(feed.OnPush(Message(4)));
    }

    [Fact]
    public void OnPush_UnknownConversationAfterResume_StartsAtZero()
    {
        var feed = ResumedFeed(cursor: 0);

        feed.OnPush(Message(1, conversation: "new"));

        Assert.Equal(1UL, feed.CursorOf("new"));
        Assert.Single(_delivered);
    }

    [Fact]
    public void OnPush_TwoConversations_KeepSeparateCursors()
    {
        var feed = ResumedFeed(cursor: 0);

        feed.OnPush(Message(1, conversation: "a"));
        feed.OnPush(Message(1, conversation: "b"));
        feed.OnPush(Message(2, conversation: "a"));

        Assert.Equal(2UL, feed.CursorOf("a"));
        Assert.Equal(1UL, feed.CursorOf("b"));
        Assert.Equal(3, _delivered.Count);
    }

    [Fact]
    public void OnPush_RandomReorderAndDuplicates_DeliversEachSeqOnceInOrder()
    {
        // Simulate a lossy, reordering, duplicating push channel with sync as the repair path.
        var random = new Random(1234);
        var feed = ResumedFeed(cursor: 0);
        const int total = 500;
        var pushes = Enumerable.Range(1, total).SelectMany(seq => random.Next(4) == 0 ? [] : Enumerable.Repeat(seq, random.Next(1, 3)))
            .OrderBy(seq => seq + random.Next(-3, 4)).ToList();
        foreach (var seq in pushes)
        {
            if (feed.OnPush(Message((ulong)seq)) is { } sync)
            {
                RunSync(feed, sync, lastCommitted: (ulong)seq);
            }
        }

        // The last pushes may have been lost: the resume after a (simulated) reconnect closes the tail.
        feed.OnConnectionLost();
        foreach (var sync in feed.OnResume([new ConversationCursor(Conversation, total, 0)]))
        {
            RunSync(feed, sync, lastCommitted: total);
        }

        Assert.Equal(Enumerable.Range(1, total).Select(i => (ulong)i), DeliveredSeqs());
    }

    [Fact]
    public void OnOwnSend_NextSeq_AdvancesWithoutDelivering()
    {
        var feed = ResumedFeed(cursor: 4);

        feed.OnOwnSend(Conversation, 5);
        var sync = feed.OnPush(Message(6));

        Assert.Null(sync);
        Assert.Equal([6UL], DeliveredSeqs());
    }

    [Fact]
    public void OnOwnSend_ResultAfterLaterPush_FillsGapWithoutSecondDelivery()
    {
        var feed = ResumedFeed(cursor: 4);
        feed.OnOwnSend(Conversation, 6);

        feed.OnPush(Message(5));
        feed.OnPush(Message(7));

        Assert.Equal([5UL, 7UL], DeliveredSeqs());
        Assert.Equal(7UL, feed.CursorOf(Conversation));
    }

    [Fact]
    public void OnSyncPage_OwnMessage_SkippedButCursorMoves()
    {
        var feed = new DeliveryFeed(_delivered.Add, isOwn: e => e.SenderDeviceId == 1 && e.SenderUserId == "me");
        var sync = Assert.Single(feed.OnResume([new ConversationCursor(Conversation, 3, 0)]));
        var own = Message(2);
        own.SenderUserId = "me";
        own.SenderDeviceId = 1;

        feed.OnSyncPage(sync, [Message(1), own, Message(3)], hasMore: false);

        Assert.Equal([1UL, 3UL], DeliveredSeqs());
        Assert.Equal(3UL, feed.CursorOf(Conversation));
    }

    private static void RunSync(DeliveryFeed feed, SyncContinuation sync, ulong lastCommitted)
    {
        SyncContinuation? current = sync;
        while (current is { } page)
        {
            var messages = Enumerable.Range((int)page.AfterSeq + 1, (int)Math.Min(10, lastCommitted - page.AfterSeq)).Select(i => Message((ulong)i)).ToList();
            current = feed.OnSyncPage(page, messages, hasMore: page.AfterSeq + 10 < lastCommitted);
        }
    }

    private DeliveryFeed NewFeed() => new(_delivered.Add);

    private DeliveryFeed ResumedFeed(ulong cursor)
    {
        var feed = NewFeed();
        Assert.Empty(feed.OnResume([new ConversationCursor(Conversation, cursor, cursor)]));
        return feed;
    }

    private List<ulong> DeliveredSeqs() => _delivered.Select(e => e.Seq).ToList();

    private static Envelope Message(ulong seq, string conversation = Conversation) =>
        new() { ConversationId = conversation, Seq = seq };
}
