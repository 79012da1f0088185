using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using XChat.Grains.Storage;
using XChat.Grains.Storage.Expiry;
using XChat.Grains.Sweeping;

namespace XChat.Grains.Tests.Storage;

// Disappearing messages in the store: expires_at round-trips, and the sweep erases expired ciphertext
// (on every backend), also when the store was reopened after the expiry (a restart).
public abstract partial class MessageStoreTests
{
    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task EraseExpiredAsync_ExpiredRow_CiphertextErasedRowKept()
    {
        var conversation = $"d_expiry_{_run}";
        var now = NowMs;
        var expired = TestMessages.Create(conversation, 1) with { ExpiresAtMs = now - 1 };
        var later = TestMessages.Create(conversation, 2) with { ExpiresAtMs = now + 3_600_000 };
        var plain = TestMessages.Create(conversation, 3);
        await Store.AppendAsync([expired, later, plain]);

        var erased = await ((IMessageExpiry)Store).EraseExpiredAsync(now, 1000);

        Assert.True(erased >= 1, "the expired row was erased");
        var rows = await Store.ReadAfterAsync(conversation, 0, 10);
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Seq));
        Assert.True(rows[0].IsErased, "an expired message keeps no ciphertext");
        Assert.Null(rows[0].ExpiresAtMs);
        Assert.Equal(expired.ClientMessageId, rows[0].ClientMessageId);
        TestMessages.AssertSame(later, rows[1]);
        Assert.Equal(later.ExpiresAtMs, rows[1].ExpiresAtMs);
        TestMessages.AssertSame(plain, rows[2]);
        Assert.Null(rows[2].ExpiresAtMs);
        Assert.Equal(3, await Store.GetLastSeqAsync(conversation)); // the log's end never moves back
    }

    [Fact]
    public async Task ExpiredMessageSweeper_AfterReopen_ErasesWhatExpiredMeanwhile()
    {
        var conversation = $"d_sweep_{_run}";
        var message = TestMessages.Create(conversation, 1) with { ExpiresAtMs = NowMs + 300 };
        await Store.AppendAsync([message]);
        await Store.DisposeAsync(); // the server stops before the message expires

        await Task.Delay(500);
        var reopened = await OpenStoreAsync();
        var sweeper = new ExpiredMessageSweeper(reopened, Options.Create(new SweepOptions { BatchSize = 2 }), TimeProvider.System,
            NullLogger<ExpiredMessageSweeper>.Instance);
        await sweeper.SweepAsync();

        var row = Assert.Single(await reopened.ReadAfterAsync(conversation, 0, 10));
        Assert.True(row.IsErased, "the first sweep after a restart erases messages that expired while the server was down");
    }
}
