using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

/// <summary>
/// The <see cref="IMessageStore"/> contract, run against every backend. Each test uses its own
/// conversation and device ids, so runs can repeat and backends can run in parallel.
/// </summary>
public abstract partial class MessageStoreTests : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private readonly List<RelationalMessageStore> _stores = [];

    /// <summary>The store under test, initialized.</summary>
    protected RelationalMessageStore Store { get; private set; } = null!;

    /// <summary>A new store instance on the same database as every other one of this test.</summary>
    protected abstract RelationalMessageStore CreateStoreInstance();

    /// <summary>Holds the database's write lock (from outside the store) until disposed.</summary>
    protected abstract Task<IAsyncDisposable> HoldWriteLockAsync();

    public async Task InitializeAsync() => Store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected async Task<RelationalMessageStore> OpenStoreAsync()
    {
        var store = CreateStoreInstance();
        _stores.Add(store);
        await store.InitializeAsync();
        return store;
    }

    protected string Conversation(string name) => $"g_{_run}_{name}";

    protected string Device(string name) => $"u{_run}{name}/1";

    [Fact]
    public async Task ReadAfterAsync_PagesForward_ReturnsAscendingPagesWithContent()
    {
        var conversation = Conversation("fwd");
        var messages = TestMessages.Range(conversation, 1, 25);
        foreach (var chunk in messages.Chunk(5))
        {
            await Store.AppendAsync(chunk);
        }

        var pages = new List<IReadOnlyList<StoredMessage>>();
        long after = 0;
        IReadOnlyList<StoredMessage> page;
        while ((page = await Store.ReadAfterAsync(conversation, after, 10)).Count > 0)
        {
            pages.Add(page);
            after = page[^1].Seq;
        }

        Assert.Equal([10, 10, 5], pages.Select(p => p.Count));
        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), all.Select(m => m.Seq));
        for (var i = 0; i < messages.Length; i++)
        {
            TestMessages.AssertSame(messages[i], all[i]);
        }
    }

    [Fact]
    public async Task ReadBeforeAsync_PagesBackward_ReturnsDescendingPages()
    {
        var conversation = Conversation("back");
        await Store.AppendAsync(TestMessages.Range(conversation, 1, 25));
        await Store.AppendAsync(TestMessages.Range(Conversation("other"), 1, 3));

        var first = await Store.ReadBeforeAsync(conversation, long.MaxValue, 10);
        var second = await Store.ReadBeforeAsync(conversation, first[^1].Seq, 10);
        var third = await Store.ReadBeforeAsync(conversation, second[^1].Seq, 10);
        var none = await Store.ReadBeforeAsync(conversation, 1, 10);

        Assert.Equal(Enumerable.Range(16, 10).Reverse().Select(i => (long)i), first.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(6, 10).Reverse().Select(i => (long)i), second.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, 5).Reverse().Select(i => (long)i), third.Select(m => m.Seq));
        Assert.Empty(none);
    }

    [Fact]
    public async Task AppendAsync_NullSharedAndNoDeviceCiphertexts_RoundTrips()
    {
        var conversation = Conversation("nulls");
        var message = new StoredMessage(conversation, 1, new DeviceAddress("alice", uint.MaxValue), "c1", 42, null, []);

        await Store.AppendAsync([message]);

        TestMessages.AssertSame(message, Assert.Single(await Store.ReadAfterAsync(conversation, 0, 10)));
    }

    [Fact]
    public async Task GetLastSeqAsync_EmptyThenAppended_ReturnsZeroThenHighestSeq()
    {
        var conversation = Conversation("last");

        Assert.Equal(0, await Store.GetLastSeqAsync(conversation));
        await Store.AppendAsync(TestMessages.Range(conversation, 1, 7));
        await Store.AppendAsync(TestMessages.Range(conversation, 8, 2));

        Assert.Equal(9, await Store.GetLastSeqAsync(conversation));
    }

    [Fact]
    public async Task FindByClientIdsAsync_MixedKeys_ReturnsOnlyStoredOnes()
    {
        var conversation = Conversation("find");
        await Store.AppendAsync(
        [
            TestMessages.Create(conversation, 1, "alice", 1, "m-1"),
            TestMessages.Create(conversation, 2, "alice", 2, "m-1"),
            TestMessages.Create(conversation, 3, "bob", 1, "m-2"),
        ]);
        await Store.AppendAsync([TestMessages.Create(Conversation("elsewhere"), 1, "alice", 1, "m-9")]);

        ClientMessageKey[] keys =
        [
            new("alice/1", "m-1"),
            new("alice/2", "m-1"),
            new("bob/1", "m-2"),
            new("bob/1", "m-1"),      // right device, wrong client id
            new("alice/1", "m-9"),    // stored, but in another conversation
            new("no-slash", "m-1"),   // malformed device key
        ];
        var found = await Store.FindByClientIdsAsync(conversation, keys);

        Assert.Equal(3, found.Count);
        Assert.Equal(new StoredMessageRef(1, 1_700_000_000_001), found[keys[0]]);
        Assert.Equal(2, found[keys[1]].Seq);
        Assert.Equal(3, found[keys[2]].Seq);
        Assert.Empty(await Store.FindByClientIdsAsync(conversation, []));
    }

    [Fact]
    public async Task ReadClientKeysAsync_ReturnsTheConversationsKeysInSeqOrder_UpToTheLimit()
    {
        var conversation = Conversation("keys");
        await Store.AppendAsync(
        [
            TestMessages.Create(conversation, 1, "bob", 2, "m-b"),
            TestMessages.Create(conversation, 2, "alice", 1, "m-a"),
        ]);
        await Store.AppendAsync([TestMessages.Create(conversation, 3, "bob", 4_000_000_000, "m-c")]);
        await Store.AppendAsync([TestMessages.Create(Conversation("other-keys"), 1, "carol", 1, "m-x")]);

        Assert.Equal<ClientMessageKey>(
            [new("bob/2", "m-b"), new("alice/1", "m-a"), new("bob/4000000000", "m-c")],
            await Store.ReadClientKeysAsync(conversation, 10));
        Assert.Equal<ClientMessageKey>([new("bob/2", "m-b"), new("alice/1", "m-a")], await Store.ReadClientKeysAsync(conversation, 2));
        Assert.Empty(await Store.ReadClientKeysAsync(conversation, 0));
        Assert.Empty(await Store.ReadClientKeysAsync(Conversation("empty-keys"), 10));
    }

    [Fact]
    public async Task AppendAsync_DuplicateClientMessageId_ThrowsAndStoresNothingOfTheCall()
    {
        var conversation = Conversation("dupclient");
        await Store.AppendAsync([TestMessages.Create(conversation, 1, clientId: "same")]);

        var retry = new[] { TestMessages.Create(conversation, 2, clientId: "fresh"), TestMessages.Create(conversation, 3, clientId: "same") };
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Store.AppendAsync(retry));

        Assert.Equal(1, await Store.GetLastSeqAsync(conversation));
    }

    [Fact]
    public async Task AppendAsync_TwoConversationsInOneCall_ThrowsArgumentException()
    {
        StoredMessage[] mixed = [TestMessages.Create(Conversation("a"), 1), TestMessages.Create(Conversation("b"), 2)];

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(mixed));
    }

    [Fact]
    public async Task SaveCursorsAsync_LowerSeqAfterHigher_KeepsMaximum()
    {
        var device = Device("cur");
        var (a, b) = (Conversation("a"), Conversation("b"));

        await Store.SaveCursorsAsync([new CursorUpdate(device, a, 10), new CursorUpdate(device, b, 3)]);
        await Store.SaveCursorsAsync([new CursorUpdate(device, a, 4), new CursorUpdate(device, b, 8)]);
        // The same key twice in one call, and in concurrent calls that may share a transaction.
        await Store.SaveCursorsAsync([new CursorUpdate(device, a, 12), new CursorUpdate(device, a, 11)]);
        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Store.SaveCursorsAsync([new CursorUpdate(device, b, i)])));

        var cursors = await Store.LoadCursorsAsync(device);

        Assert.Equal(2, cursors.Count);
        Assert.Equal(12, cursors[a]);
        Assert.Equal(20, cursors[b]);
        Assert.Empty(await Store.LoadCursorsAsync(Device("nobody")));
    }

    [Fact]
    public async Task InitializeAsync_CalledTwice_Succeeds()
    {
        await Store.InitializeAsync();
        await Store.InitializeAsync();
        await Store.AppendAsync(TestMessages.Range(Conversation("init"), 1, 1));

        Assert.Equal(1, await Store.GetLastSeqAsync(Conversation("init")));
    }

    [Fact]
    public async Task DisposeAsync_WithQueuedAppends_CommitsThemAndDataSurvivesReopen()
    {
        var conversation = Conversation("reopen");
        var first = await OpenStoreAsync();
        var pending = Enumerable.Range(1, 30).Select(i => first.AppendAsync([TestMessages.Create(conversation, i)])).ToList();

        await first.DisposeAsync();

        Assert.All(pending, task => Assert.True(task.IsCompletedSuccessfully, "Dispose commits every queued append before it returns."));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => first.AppendAsync([TestMessages.Create(conversation, 31)]));
        var reopened = await OpenStoreAsync();
        Assert.Equal(30, await reopened.GetLastSeqAsync(conversation));
        Assert.Equal(30, (await reopened.ReadAfterAsync(conversation, 0, 100)).Count);
    }
}
