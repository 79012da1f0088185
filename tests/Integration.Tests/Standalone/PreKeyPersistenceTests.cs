using Google.Protobuf;
using Microsoft.Data.Sqlite;
using XChat.Client.Crypto;
using XChat.Client.Transport;
using XChat.Integration.Tests.Support;
using XChat.Protocol;
using XChat.TestSupport;
using Xunit.Abstractions;

namespace XChat.Integration.Tests.Standalone;

/// <summary>
/// Prekeys through the client transport and the ADO.NET grain state on SQLite: a full upload, a key
/// taken before a restart stays taken after it, and the device's state stays the documented size.
/// </summary>
public sealed class PreKeyPersistenceTests(ITestOutputHelper output) : IDisposable
{
    private const int KemOneTimeKeys = 100;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("xchat-prekeys-").FullName;

    [Fact]
    public async Task GetPreKeyBundle_AfterRestart_NeverHandsOutAKeyTakenBefore()
    {
        DeviceIdentity aliceIdentity;
        UploadPreKeysRequest upload;
        PreKeyBundle beforeRestart;
        await using (var server = await StandaloneServer.StartAsync(_dataDir))
        {
            await using var alice = await ChatUser.RegisterAsync(server.WebSocketUri, "alice");
            await using var bob = await ChatUser.RegisterAsync(server.WebSocketUri, "bob");
            aliceIdentity = alice.Identity;
            upload = NewUpload(aliceIdentity, oneTime: 3, kemOneTime: KemOneTimeKeys);

            var uploaded = await alice.Connection.UploadPreKeysAsync(upload);
            beforeRestart = await bob.Connection.GetPreKeyBundleAsync(alice.UserId, 1);

            Assert.Equal(new PreKeyCounts { OneTimePreKeys = 3, KemOneTimePreKeys = KemOneTimeKeys }, uploaded);
            Assert.Equal(upload.OneTimePreKeys[0], beforeRestart.OneTimePreKey);
            Assert.Equal(upload.KemOneTimePreKeys[0], beforeRestart.KemPreKey);
        }

        var stateBytes = await DeviceKeysStateBytesAsync();
        output.WriteLine($"device-keys state with 2 one-time and {KemOneTimeKeys - 1} one-time KEM prekeys: {stateBytes} bytes");
        Assert.True(stateBytes < 256 * 1024, $"the device's prekey state is bounded (documented as about 130 KB of keys plus serializer overhead); it is {stateBytes} bytes");

        await using var restarted = await StandaloneServer.StartAsync(_dataDir);
        await using var aliceAgain = await ChatUser.ConnectAsync(restarted.WebSocketUri, aliceIdentity);
        await using var carol = await ChatUser.RegisterAsync(restarted.WebSocketUri, "carol");

        var afterRestart = await carol.Connection.GetPreKeyBundleAsync(aliceIdentity.UserId!, 1);
        var counts = await aliceAgain.Connection.GetPreKeyCountsAsync();

        Assert.Equal(upload.OneTimePreKeys[1], afterRestart.OneTimePreKey);
        Assert.Equal(upload.KemOneTimePreKeys[1], afterRestart.KemPreKey);
        Assert.Equal(new PreKeyCounts { OneTimePreKeys = 1, KemOneTimePreKeys = KemOneTimeKeys - 2 }, counts);
        Assert.Equal(counts, afterRestart.Remaining);
        var error = await Assert.ThrowsAsync<XChatServerException>(() => carol.Connection.GetPreKeyBundleAsync(aliceIdentity.UserId!, 7));
        Assert.Equal(ErrorCode.NotFound, error.Code);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static UploadPreKeysRequest NewUpload(DeviceIdentity identity, int oneTime, int kemOneTime)
    {
        var signed = X25519.GenerateKeyPair().PublicKey;
        var request = new UploadPreKeysRequest
        {
            SignedPreKey = new SignedPreKey { KeyId = 1, PublicKey = ByteString.CopyFrom(signed), Signature = ByteString.CopyFrom(identity.Sign(PreKeySigningInput.SignedPreKey(signed))) },
            KemLastResortPreKey = NewKem(identity, 1_000),
        };
        request.OneTimePreKeys.AddRange(Enumerable.Range(1, oneTime).Select(i => new OneTimePreKey { KeyId = (uint)i, PublicKey = ByteString.CopyFrom(X25519.GenerateKeyPair().PublicKey) }));
        request.KemOneTimePreKeys.AddRange(Enumerable.Range(1, kemOneTime).Select(i => NewKem(identity, (uint)i)));
        return request;
    }

    private static KemPreKey NewKem(DeviceIdentity identity, uint id)
    {
        var key = MlKem768.GenerateKeyPair().PublicKey;
        return new KemPreKey { KeyId = id, PublicKey = ByteString.CopyFrom(key), Signature = ByteString.CopyFrom(identity.Sign(PreKeySigningInput.KemPreKey(key))) };
    }

    private async Task<long> DeviceKeysStateBytesAsync()
    {
        var path = Path.Combine(_dataDir, XChat.Silo.Hosting.SiloHostingExtensions.StandaloneDatabaseFile);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(payload) FROM xchat_grain_state WHERE grain_type = 'device-keys'";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
