using XChat.Silo.Storage;

namespace XChat.Integration.Tests.GrainState;

/// <summary>Grain state on a SQLite file (standalone mode).</summary>
public sealed class SqliteGrainStateTests(SqliteGrainStateDatabase database)
    : GrainStateTestsBase(database), IClassFixture<SqliteGrainStateDatabase>
{
    [Fact]
    public async Task EnsureCreatedAsync_NewFile_SetsWalJournalMode()
    {
        await GrainStateSchema.EnsureCreatedAsync(Database.Kind, Database.ConnectionString);

        // journal_mode is stored in the file, so a fresh connection must report it.
        Assert.Equal("wal", await Database.ScalarAsync("PRAGMA journal_mode;"));
    }
}
