using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using XChat.Grains.Errors;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

public class MessageStoreServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddSqliteMessageStore_SiloStartsAndStops_CreatesSchemaThenDisposesStore()
    {
        var path = Path.Combine(Path.GetTempPath(), "xchat-store-tests", $"{Guid.NewGuid():N}.db");
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddSqliteMessageStore(o => o.DatabasePath = path));
        var cluster = builder.Build();
        IMessageStore store;
        try
        {
            await cluster.DeployAsync();
            var services = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress);
            store = services.GetRequiredService<IMessageStore>();

            Assert.IsType<SqliteMessageStore>(store);
            Assert.Same(store, services.GetRequiredService<SqliteMessageStore>());
            Assert.Equal(["xchat_cursors", "xchat_messages"], await TablesAsync(path));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.AppendAsync([TestMessages.Create("g_x", 1)]));
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    [Fact]
    public void AddPostgresMessageStore_NoConnectionString_FailsValidation()
    {
        var services = new ServiceCollection().AddLogging().AddPostgresMessageStore().BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PostgresMessageStoreOptions>>().Value);
        Assert.Contains("ConnectionString", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(1024 * 1024 + 1)]
    public void AddSqliteMessageStore_PageCacheOutOfRange_FailsValidation(int kib)
    {
        var services = new ServiceCollection().AddLogging().AddSqliteMessageStore(o => o.PageCacheKiB = kib).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SqliteMessageStoreOptions>>().Value);
        Assert.Contains("PageCacheKiB", error.Message);
    }

    [Fact]
    public void AddSqliteMessageStore_DefaultPageCache_Is16MiBAndValid()
    {
        var services = new ServiceCollection().AddLogging().AddSqliteMessageStore().BuildServiceProvider();

        Assert.Equal(16 * 1024, services.GetRequiredService<IOptions<SqliteMessageStoreOptions>>().Value.PageCacheKiB);
    }

    [Fact]
    public void AddSqliteMessageStore_SecondBackend_Throws()
    {
        var services = new ServiceCollection().AddSqliteMessageStore();

        Assert.Throws<InvalidOperationException>(() => services.AddPostgresMessageStore(o => o.ConnectionString = "Host=x"));
    }

    private static async Task<List<string>> TablesAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'xchat_%' ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
