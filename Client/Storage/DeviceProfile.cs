using System.Security.Cryptography;
using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Client.Storage;

/// <summary>
/// One device's profile directory: a SQLite database (WAL) with its keys, sessions, peers' identities,
/// contacts, message history and cursors, every secret encrypted under the profile key (see
/// <see cref="ProfileKeyring"/>). Dispose closes the database and forgets the key.
/// </summary>
public sealed partial class DeviceProfile : IDisposable
{
    private readonly ProfileDatabase _database;

    private DeviceProfile(string directory, ProfileDatabase database, IdentityKeyPair identity)
    {
        Directory = directory;
        _database = database;
        Identities = new SqliteIdentityKeyStore(database, identity);
        Stores = new ProtocolStores(
            new SqliteSessionStore(database),
            new SqlitePreKeyStore(database),
            new SqliteSignedPreKeyStore(database),
            new SqliteKyberPreKeyStore(database),
            Identities);
        Contacts = new ContactBook(database);
        Messages = new MessageHistory(database);
        SenderKeys = new SqliteSenderKeyStore(database);
        Groups = new GroupStore(database);
        Content = new MessageContentStore(database);
        Receipts = new ReceiptStore(database);
    }

    /// <summary>The name of the database file in the profile directory.</summary>
    public const string DatabaseFileName = ProfileDatabase.FileName;

    /// <summary>The name of the key file used when the profile has no passphrase.</summary>
    public const string KeyFileName = ProfileKeyring.KeyFileName;

    public string Directory { get; }

    /// <summary>The stores for <see cref="SessionBuilder"/> and <see cref="SessionCipher"/>, persisted in this profile.</summary>
    public ProtocolStores Stores { get; }

    /// <summary>This device's identity and the peers' identity keys with their trust.</summary>
    public SqliteIdentityKeyStore Identities { get; }

    public ContactBook Contacts { get; }

    public MessageHistory Messages { get; }

    /// <summary>The sender keys of groups (ours and the members' devices'), for <see cref="Groups.GroupCipher"/>.</summary>
    public SqliteSenderKeyStore SenderKeys { get; }

    /// <summary>Each group's name, members and who holds our current sender key.</summary>
    public GroupStore Groups { get; }

    /// <summary>Replies, edits, deletions and reactions applied to stored messages.</summary>
    public MessageContentStore Content { get; }

    /// <summary>The delivery other devices reported in encrypted receipts, and what was reported to the app.</summary>
    public ReceiptStore Receipts { get; }

    /// <summary>
    /// Creates a profile for <paramref name="identity"/> in <paramref name="directory"/> (made 0700 if new).
    /// With a <paramref name="passphrase"/> the profile key is wrapped under Argon2id of it
    /// (<paramref name="kdf"/>, default <see cref="PassphraseKdfParameters.Default"/>); without one, under a
    /// random key in the 0600 file <see cref="KeyFileName"/>. Throws <see cref="IOException"/> if a profile exists there.
    /// </summary>
    public static DeviceProfile Create(string directory, IdentityKeyPair identity, string? passphrase = null, PassphraseKdfParameters? kdf = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(identity);
        CreatePrivateDirectory(directory);
        var path = Path.Combine(directory, DatabaseFileName);
        if (File.Exists(path) || File.Exists(Path.Combine(directory, KeyFileName)))
        {
            throw new IOException($"A profile already exists in {directory}.");
        }

        var database = ProfileDatabase.Open(path, create: true);
        try
        {
            database.InTransaction(() =>
            {
                database.Execute(ProfileSchema.Create);
                database.Unlock(ProfileKeyring.Create(database, directory, passphrase, kdf ?? PassphraseKdfParameters.Default));
                database.StoreSecret("identity", "id", 1L, "key_pair", KeyRecordCodec.Write(identity));
                database.Execute($"PRAGMA user_version = {ProfileSchema.Version}");
            });
            return new DeviceProfile(directory, database, identity);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the profile in <paramref name="directory"/> with its passphrase, or with its key file when
    /// <paramref name="passphrase"/> is null. Throws <see cref="WrongPassphraseException"/> when that does not
    /// open it, <see cref="FileNotFoundException"/> when there is no profile.
    /// </summary>
    public static DeviceProfile Open(string directory, string? passphrase = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var path = Path.Combine(directory, DatabaseFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("There is no profile in this directory.", path);
        }

        var database = ProfileDatabase.Open(path, create: false);
        try
        {
            Migrate(database);

            database.Unlock(ProfileKeyring.Unlock(database, directory, passphrase));
            var identity = database.LoadSecret("identity", "id", 1L, "key_pair") ?? throw new ProfileCorruptException("The profile has no identity.");
            try
            {
                return new DeviceProfile(directory, database, KeyRecordCodec.ReadIdentityKeyPair(identity));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(identity);
            }
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    public void Dispose() => _database.Dispose();

    /// <summary>Brings an older layout up to <see cref="ProfileSchema.Version"/>, all steps in one transaction; refuses a newer one.</summary>
    private static void Migrate(ProfileDatabase database)
    {
        var version = database.Query("PRAGMA user_version", r => r.GetInt32(0)).Single();
        if (version < 1 || version > ProfileSchema.Version)
        {
            throw new ProfileCorruptException($"The profile has layout version {version}; this build reads versions 1 to {ProfileSchema.Version}.");
        }

        if (version == ProfileSchema.Version)
        {
            return;
        }

        database.InTransaction(() =>
        {
            for (var from = version; from < ProfileSchema.Version; from++)
            {
                database.Execute(ProfileSchema.Migrations[from - 1]);
            }

            database.Execute($"PRAGMA user_version = {ProfileSchema.Version}");
        });
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
