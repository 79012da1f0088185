// OpenSSL libcrypto's EVP public-key interface (OpenSSL 3.0 manual pages EVP_PKEY_new(3),
// EVP_PKEY_derive(3)), used by X25519 (RFC 7748) when the library is present. Source-generated P/Invoke; every pointer argument
// is a pinned span element, no unsafe code. The library is resolved once, by NativeLibrary.TryLoad of
// the platform's usual names, and only when it exports every function below; X25519 then
// self-tests it against an RFC vector before using it, and fall back to BouncyCastle otherwise.
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace XChat.Client.Crypto;

internal static partial class OpenSslEvp
{
    /// <summary>NID_X25519 (= EVP_PKEY_X25519) in OpenSSL 1.1.1 and 3.x's obj_mac.h.</summary>
    public const int PkeyX25519 = 1034;

    // A logical name, mapped by the resolver below to the handle TryLoad found; never a file name.
    private const string Library = "xchat-openssl-libcrypto";

    private static readonly string[] LibraryNames =
        OperatingSystem.IsWindows() ? ["libcrypto-3-x64.dll", "libcrypto-3.dll"]
        : OperatingSystem.IsMacOS() ? ["libcrypto.3.dylib", "libcrypto.dylib"]
        : ["libcrypto.so.3", "libcrypto.so"];

    private static readonly string[] Functions =
    [
        "EVP_PKEY_new_raw_private_key", "EVP_PKEY_new_raw_public_key", "EVP_PKEY_get_raw_public_key", "EVP_PKEY_free",
        "EVP_PKEY_CTX_new", "EVP_PKEY_CTX_free", "EVP_PKEY_derive_init", "EVP_PKEY_derive_set_peer", "EVP_PKEY_derive",
        "ERR_clear_error",
    ];

    private static nint s_library;

    /// <summary>
    /// True when libcrypto was loaded, exports every function used here, and its handle was registered
    /// for this assembly's imports. Decided once; no import below may be called when false.
    /// </summary>
    public static bool IsAvailable { get; } = TryLoad();

    /// <summary>
    /// Imports a raw private key of <paramref name="type"/> (which also computes its public key). OpenSSL
    /// keeps its own copy, cleansed when the handle is released.
    /// </summary>
    public static PrivateKeyHandle ImportPrivateKey(int type, ReadOnlySpan<byte> privateKey)
    {
        var key = EVP_PKEY_new_raw_private_key(type, 0, ref MemoryMarshal.GetReference(privateKey), (nuint)privateKey.Length);
        return key != 0 ? new PrivateKeyHandle(key, privateKey) : throw Failure("EVP_PKEY_new_raw_private_key");
    }

    /// <summary>A new EVP_PKEY of <paramref name="type"/> from a raw public key, or 0 when OpenSSL refuses it.</summary>
    public static nint NewRawPublicKey(int type, ReadOnlySpan<byte> publicKey) =>
        EVP_PKEY_new_raw_public_key(type, 0, ref MemoryMarshal.GetReference(publicKey), (nuint)publicKey.Length);

    /// <summary>Writes the raw public key of <paramref name="key"/>, which must fill <paramref name="destination"/> exactly.</summary>
    public static void GetRawPublicKey(PrivateKeyHandle key, Span<byte> destination)
    {
        var added = false;
        try
        {
            key.DangerousAddRef(ref added);
            var length = (nuint)destination.Length;
            if (EVP_PKEY_get_raw_public_key(key.DangerousGetHandle(), ref MemoryMarshal.GetReference(destination), ref length) != 1
                || length != (nuint)destination.Length)
            {
                throw Failure("EVP_PKEY_get_raw_public_key");
            }
        }
        finally
        {
            if (added)
            {
                key.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// X25519 agreement of <paramref name="key"/> with <paramref name="peer"/> into <paramref name="destination"/>.
    /// False when OpenSSL refuses the peer or the result: it fails the derivation when the output is all zeros
    /// (a low-order peer point, RFC 7748 §6.1).
    /// </summary>
    public static bool TryDerive(PrivateKeyHandle key, nint peer, Span<byte> destination)
    {
        var added = false;
        nint ctx = 0;
        try
        {
            key.DangerousAddRef(ref added);
            ctx = EVP_PKEY_CTX_new(key.DangerousGetHandle(), 0);
            if (ctx == 0 || EVP_PKEY_derive_init(ctx) != 1)
            {
                throw Failure("EVP_PKEY_derive_init");
            }

            var length = (nuint)destination.Length;
            if (EVP_PKEY_derive_set_peer(ctx, peer) != 1
                || EVP_PKEY_derive(ctx, ref MemoryMarshal.GetReference(destination), ref length) != 1)
            {
                ERR_clear_error();
                return false;
            }

            if (length != (nuint)destination.Length)
            {
                throw Failure("EVP_PKEY_derive");
            }

            return true;
        }
        finally
        {
            EVP_PKEY_CTX_free(ctx);
            if (added)
            {
                key.DangerousRelease();
            }
        }
    }

    /// <summary>Frees an EVP_PKEY (0 is allowed).</summary>
    public static void Free(nint key) => EVP_PKEY_free(key);

    /// <summary>Clears OpenSSL's per-thread error queue and returns the exception for a failed call.</summary>
    public static CryptographicException Failure(string function)
    {
        ERR_clear_error();
        return new CryptographicException($"OpenSSL {function} failed.");
    }

    /// <summary>
    /// An imported private EVP_PKEY, freed when the handle is disposed or finalized. It also holds a pinned
    /// copy of the raw key it was imported from (cleared on release), so that a user of a cached handle can
    /// check, in constant time, that the key it is about to use is still the one in its bytes.
    /// </summary>
    internal sealed class PrivateKeyHandle : SafeHandle
    {
        private readonly byte[] _source;

        internal PrivateKeyHandle(nint key, ReadOnlySpan<byte> source)
            : base(0, ownsHandle: true)
        {
            _source = GC.AllocateArray<byte>(source.Length, pinned: true);
            source.CopyTo(_source);
            SetHandle(key);
        }

        public override bool IsInvalid => handle == 0;

        /// <summary>True when the handle is open and was imported from exactly <paramref name="privateKey"/>.</summary>
        public bool Holds(ReadOnlySpan<byte> privateKey) =>
            !IsClosed && CryptographicOperations.FixedTimeEquals(_source, privateKey);

        protected override bool ReleaseHandle()
        {
            EVP_PKEY_free(handle);
            CryptographicOperations.ZeroMemory(_source);
            return true;
        }
    }

    private static bool TryLoad()
    {
        foreach (var name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                continue;
            }

            if (!Functions.All(f => NativeLibrary.TryGetExport(handle, f, out _)))
            {
                NativeLibrary.Free(handle);
                continue;
            }

            s_library = handle;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(OpenSslEvp).Assembly, Resolve);
                return true;
            }
            catch (InvalidOperationException)
            {
                // Another resolver is already registered for this assembly: the imports could not be bound.
                return false;
            }
        }

        return false;
    }

    private static nint Resolve(string libraryName, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Library ? s_library : 0;

    // EVP_PKEY *EVP_PKEY_new_raw_private_key(int type, ENGINE *e, const unsigned char *priv, size_t len);
    [LibraryImport(Library)]
    private static partial nint EVP_PKEY_new_raw_private_key(int type, nint engine, ref byte key, nuint length);

    // EVP_PKEY *EVP_PKEY_new_raw_public_key(int type, ENGINE *e, const unsigned char *pub, size_t len);
    [LibraryImport(Library)]
    private static partial nint EVP_PKEY_new_raw_public_key(int type, nint engine, ref byte key, nuint length);

    // int EVP_PKEY_get_raw_public_key(const EVP_PKEY *pkey, unsigned char *pub, size_t *len);
    [LibraryImport(Library)]
    private static partial int EVP_PKEY_get_raw_public_key(nint key, ref byte destination, ref nuint length);

    // void EVP_PKEY_free(EVP_PKEY *key);
    [LibraryImport(Library)]
    private static partial void EVP_PKEY_free(nint key);

    // EVP_PKEY_CTX *EVP_PKEY_CTX_new(EVP_PKEY *pkey, ENGINE *e);
    [LibraryImport(Library)]
    private static partial nint EVP_PKEY_CTX_new(nint key, nint engine);

    // void EVP_PKEY_CTX_free(EVP_PKEY_CTX *ctx);
    [LibraryImport(Library)]
    private static partial void EVP_PKEY_CTX_free(nint ctx);

    // int EVP_PKEY_derive_init(EVP_PKEY_CTX *ctx);
    [LibraryImport(Library)]
    private static partial int EVP_PKEY_derive_init(nint ctx);

    // int EVP_PKEY_derive_set_peer(EVP_PKEY_CTX *ctx, EVP_PKEY *peer);
    [LibraryImport(Library)]
    private static partial int EVP_PKEY_derive_set_peer(nint ctx, nint peer);

    // int EVP_PKEY_derive(EVP_PKEY_CTX *ctx, unsigned char *key, size_t *keylen);
    [LibraryImport(Library)]
    private static partial int EVP_PKEY_derive(nint ctx, ref byte destination, ref nuint length);

    // void ERR_clear_error(void);
    [LibraryImport(Library)]
    private static partial void ERR_clear_error();
}
