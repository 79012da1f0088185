using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

// Delete for everyone (tombstones) and unread counts, on every backend.
public abstract partial class MessageStoreTests
{
    [Fact]
    public async Task EraseMessageAsync_AllCiphertexts_LeavesATombstoneAndTouchesNoOtherRow()
    {
        var conversation = Conversation("erase");
        var messages = TestMessages.Range(conversation, 1, 3);
        await Store.AppendAsync(messages);

        Assert.True(await Store.EraseMessageAsync(conversation, 2, 1_800_000_000_000, keepDeviceCiphertexts: false));

        var rows = await Store.ReadAfterAsync(conversation, 0, 10);
        Assert.Equal(1_800_000_000_000, rows[1].DeletedMs);
        Assert.True(rows[1].SharedCiphertext is null && rows[1].DeviceCiphertexts.Count == 0, "a tombstone keeps no ciphertext");
        Assert.Equal(messages[1].ClientMessageId, rows[1].ClientMessageId);
        TestMessages.AssertSame(messages[0], rows[0]);
        TestMessages.AssertSame(messages[2], rows[2]);
        Assert.True(rows[0].DeletedMs is null && rows[2].DeletedMs is null);
        Assert.Equal(rows[1].DeletedMs, (await Store.ReadBeforeAsync(conversation, 3, 1))[0].DeletedMs);
    }

    [Fact]
    public async Task EraseMessageAsync_Again_OrMissingRow_ReturnsFalseAndChangesNothing()
    {
        var conversation = Conversation("erase-twice");
        await Store.AppendAsync(TestMessages.Range(conversation, 1, 1));
        Assert.True(await Store.EraseMessageAsync(conversation, 1, 100, keepDeviceCiphertexts: false));

        Assert.False(await Store.EraseMessageAsync(conversation, 1, 200, keepDeviceCiphertexts: false));
        Assert.False(await Store.EraseMessageAsync(conversation, 7, 200, keepDeviceCiphertexts: false));
        Assert.Equal(100, (await Store.ReadAfterAsync(conversation, 0, 1))[0].DeletedMs);
        Assert.Empty(await Store.ReadAfterAsync(conversation, 1, 10));
    }

    [Fact]
    public async Task EraseMessageAsync_KeepingDeviceCiphertexts_ErasesOnlyTheSharedOne()
    {
        var conversation = Conversation("erase-shared");
        var message = TestMessages.Create(conversation, 1);
        await Store.AppendAsync([message]);

        Assert.True(await Store.EraseMessageAsync(conversation, 1, 100, keepDeviceCiphertexts: true));

        var row = (await Store.ReadAfterAsync(conversation, 0, 1))[0];
        Assert.Null(row.SharedCiphertext);
        Assert.Equal(message.DeviceCiphertexts.Select(c => c.Ciphertext), row.DeviceCiphertexts.Select(c => c.Ciphertext));
    }

    [Fact]
    public async Task CountUnreadAsync_CountsOtherSendersAfterTheSeq_NotTombstones()
    {
        var conversation = Conversation("unread");
        await Store.AppendAsync([.. TestMessages.Range(conversation, 1, 3, userId: "alice"), .. TestMessages.Range(conversation, 4, 2, userId: "bob")]);
        await Store.EraseMessageAsync(conversation, 2, 100, keepDeviceCiphertexts: false);

        Assert.Equal(2, await Store.CountUnreadAsync(conversation, 0, "bob"));
        Assert.Equal(2, await Store.CountUnreadAsync(conversation, 0, "alice"));
        Assert.Equal(1, await Store.CountUnreadAsync(conversation, 4, "alice"));
        Assert.Equal(0, await Store.CountUnreadAsync(conversation, 3, "bob"));
    }

    [Fact]
    public async Task AppendAsync_SilentRows_ReadBackSilent_AndOtherRowsNot()
    {
        var conversation = Conversation("silent");
        var messages = TestMessages.Range(conversation, 1, 3);
        messages[1] = messages[1] with { Silent = true };
        await Store.AppendAsync(messages);

        Assert.Equal([false, true, false], (await Store.ReadAfterAsync(conversation, 0, 10)).Select(m => m.Silent));
        Assert.Equal([false, true, false], (await Store.ReadBeforeAsync(conversation, 4, 10)).Select(m => m.Silent).Reverse());
        TestMessages.AssertSame(messages[1], (await Store.ReadAfterAsync(conversation, 1, 1))[0]);
    }

    [Fact]
    public async Task CountUnreadAsync_SkipsSilentRows()
    {
        var conversation = Conversation("unread-silent");
        var messages = TestMessages.Range(conversation, 1, 4, userId: "alice");
        messages[1] = messages[1] with { Silent = true };
        messages[3] = messages[3] with { Silent = true };
        await Store.AppendAsync(messages);

        Assert.Equal(2, await Store.CountUnreadAsync(conversation, 0, "bob"));
        Assert.Equal(0, await Store.CountUnreadAsync(conversation, 3, "bob"));
    }

    [Fact]
    public async Task GetLastActivityAsync_IsTheNewestNonSilentRowAfterTheSeq()
    {
        var conversation = Conversation("activity");
        var messages = TestMessages.Range(conversation, 1, 5);
        messages[3] = messages[3] with { Silent = true };
        messages[4] = messages[4] with { Silent = true };
        await Store.AppendAsync(messages);

        Assert.Equal(messages[2].ServerTimestampMs, await Store.GetLastActivityAsync(conversation, 0));
        Assert.Equal(messages[2].ServerTimestampMs, await Store.GetLastActivityAsync(conversation, 2));
        Assert.True(await Store.GetLastActivityAsync(conversation, 3) is null, "only silent rows after seq 3");
        Assert.Null(await Store.GetLastActivityAsync(Conversation("activity-none"), 0));
    }

    [Fact]
    public async Task QuietRows_ReadBackQuiet_AndCountNeitherAsUnreadNorAsActivity()
    {
        var conversation = Conversation("quiet");
        var messages = TestMessages.Range(conversation, 1, 4, userId: "alice");
        messages[1] = messages[1] with { Quiet = true };
        messages[3] = messages[3] with { Quiet = true };
        await Store.AppendAsync(messages);

        Assert.Equal([false, true, false, true], (await Store.ReadAfterAsync(conversation, 0, 10)).Select(m => m.Quiet));
        TestMessages.AssertSame(messages[1], (await Store.ReadAfterAsync(conversation, 1, 1))[0]);
        Assert.Equal(2, await Store.CountUnreadAsync(conversation, 0, "bob"));
        Assert.Equal(0, await Store.CountUnreadAsync(conversation, 3, "bob"));
        Assert.Equal(messages[2].ServerTimestampMs, await Store.GetLastActivityAsync(conversation, 0));
        Assert.True(await Store.GetLastActivityAsync(conversation, 3) is null, "only a quiet row after seq 3");
    }

    [Fact]
    public async Task InitializeAsync_AgainOnADatabaseWithTombstones_KeepsThem()
    {
        var conversation = Conversation("reinit");
        await Store.AppendAsync(TestMessages.Range(conversation, 1, 2));
        await Store.EraseMessageAsync(conversation, 1, 100, keepDeviceCiphertexts: false);

        var second = await OpenStoreAsync();

        var rows = await second.ReadAfterAsync(conversation, 0, 10);
        Assert.True(rows[0].DeletedMs == 100 && rows[1].DeletedMs is null, "initializing twice is idempotent and keeps the tombstone column");
        await second.AppendAsync(TestMessages.Range(conversation, 3, 1));
        Assert.Equal(3, await second.GetLastSeqAsync(conversation));
    }
}
