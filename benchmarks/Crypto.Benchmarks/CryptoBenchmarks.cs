using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using XChat.Client.Crypto;
using XChat.Client.Groups;
using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.Crypto.Benchmarks;

/// <summary>
/// The client's message cryptography, each benchmark one operation on both sides (sender and
/// receiver), with messages serialized and parsed as they would cross the server. All benchmarks
/// live in one class so that every Ratio is against the same baseline of the same run: a raw .NET
/// HMAC-SHA-256 of 256 bytes, which calls no code of this project, so optimizing the client cannot
/// move it.
/// Sessions go through the in-memory stores, which serialize the session record on every store and
/// parse it on every load, as a persistent store would.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class CryptoBenchmarks
{
    /// <summary>The message size of issue 3, item 10, and of the load tool's payloads.</summary>
    public const int MessageSize = 256;

    private static readonly ProtocolAddress AliceAddress = new("alice", 1);
    private static readonly ProtocolAddress BobAddress = new("bob", 1);

    private readonly byte[] _plaintext = new byte[MessageSize];

    // Baseline: one AES-256-GCM key and nonce. Reusing a nonce is only acceptable here, where
    // nothing is secret; SessionCipher and GroupCipher derive a fresh key for every message.
    private readonly byte[] _aesKey = new byte[Aes256Gcm.KeySize];
    private readonly byte[] _aesNonce = new byte[Aes256Gcm.NonceSize];
    private readonly byte[] _associatedData = new byte[66];
    private readonly byte[] _macOutput = new byte[HmacSha256.MacSize];
    private readonly byte[] _chainKey = new byte[32];
    private readonly byte[] _zeroSalt = new byte[32];
    private byte[] _sessionRecord = null!;

    // Primitives that explain the protocol figures.
    private Ed25519KeyPair _signingKey = null!;
    private byte[] _signature = null!;
    private X25519KeyPair _agreementKey = null!;
    private byte[] _peerAgreementKey = null!;
    private MlKem768KeyPair _kemKey = null!;
    private byte[] _kemCiphertext = null!;

    // Session setup: long-term keys made once; everything a new session consumes is made per operation.
    private IdentityKeyPair _aliceIdentity = null!;
    private IdentityKeyPair _bobIdentity = null!;
    private SignedPreKeyRecord _bobSignedPreKey = null!;

    // Double Ratchet: one established session (initial message and reply delivered both ways).
    private ProtocolStores _alice = null!;
    private ProtocolStores _bob = null!;

    // Sender keys: Alice's sender key, distributed to Bob.
    private InMemorySenderKeyStore _aliceSenderKeys = null!;
    private InMemorySenderKeyStore _bobSenderKeys = null!;
    private SenderKeyName _aliceGroupName = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        Random.Shared.NextBytes(_plaintext);
        Random.Shared.NextBytes(_aesKey);
        Random.Shared.NextBytes(_aesNonce);
        Random.Shared.NextBytes(_associatedData);
        Random.Shared.NextBytes(_chainKey);

        _signingKey = Ed25519.GenerateKeyPair();
        _signature = Ed25519.Sign(_signingKey.PrivateKey, _plaintext);
        _agreementKey = X25519.GenerateKeyPair();
        _peerAgreementKey = X25519.GenerateKeyPair().PublicKey;
        _kemKey = MlKem768.GenerateKeyPair();
        _kemCiphertext = MlKem768.Encapsulate(_kemKey.PublicKey).Ciphertext;

        _aliceIdentity = IdentityKeyPair.Generate();
        _bobIdentity = IdentityKeyPair.Generate();
        _bobSignedPreKey = SignedPreKeyRecord.Generate(_bobIdentity, new SignedPreKeyId(1), DateTimeOffset.UtcNow);

        // An established pairwise session: Alice's initial message reached Bob and Bob's reply reached Alice.
        var bundle = await PeerKeysAsync();
        _alice = bundle.Alice;
        _bob = bundle.Bob;
        await new SessionBuilder(_alice, BobAddress).ProcessPreKeyBundleAsync(bundle.Bundle);
        await RoundTripAsync(_alice, BobAddress, _bob, AliceAddress);
        await RoundTripAsync(_bob, AliceAddress, _alice, BobAddress);
        _sessionRecord = (await _alice.Sessions.LoadSessionAsync(BobAddress))!.Serialize();

        _aliceSenderKeys = new InMemorySenderKeyStore();
        _bobSenderKeys = new InMemorySenderKeyStore();
        _aliceGroupName = new SenderKeyName(Guid.NewGuid(), AliceAddress);
        var distribution = (await new GroupSessionBuilder(_aliceSenderKeys).CreateAsync(_aliceGroupName)).Serialize();
        await new GroupSessionBuilder(_bobSenderKeys).ProcessAsync(_aliceGroupName, SenderKeyDistributionMessage.Deserialize(distribution));
    }

    /// <summary>Baseline: .NET's own HMAC-SHA-256 (OpenSSL) of 256 bytes under a 32-byte key; no project code.</summary>
    [Benchmark(Baseline = true, Description = "Baseline: .NET HMACSHA256.HashData 256 B")]
    public int HmacBaseline() => HMACSHA256.HashData(_aesKey, _plaintext, _macOutput);

    /// <summary>Reference: .NET's AES-256-GCM (OpenSSL), a new key object per message as a ratchet needs.</summary>
    [Benchmark(Description = "Reference: .NET AesGcm encrypt+decrypt 256 B")]
    public byte[] DotNetAesGcmRoundTrip()
    {
        using var aes = new AesGcm(_aesKey, Aes256Gcm.TagSize);
        var ciphertext = new byte[MessageSize];
        var tag = new byte[Aes256Gcm.TagSize];
        aes.Encrypt(_aesNonce, _plaintext, ciphertext, tag, _associatedData);
        var plaintext = new byte[MessageSize];
        aes.Decrypt(_aesNonce, ciphertext, tag, plaintext, _associatedData);
        return plaintext;
    }

    /// <summary>The client's AES-256-GCM (Client/Crypto/Aes256Gcm) encrypt and decrypt of 256 bytes with 66 bytes of associated data.</summary>
    [Benchmark(Description = "Primitive: Aes256Gcm encrypt+decrypt 256 B")]
    public byte[] Aes256GcmRoundTrip()
    {
        var ciphertext = Aes256Gcm.Encrypt(_aesKey, _aesNonce, _plaintext, _associatedData);
        return Aes256Gcm.TryDecrypt(_aesKey, _aesNonce, ciphertext, _associatedData, out var plaintext)
            ? plaintext
            : throw new InvalidOperationException("AES-256-GCM failed to decrypt.");
    }

    /// <summary>Primitive, for attribution: KDF_CK, the two HMAC-SHA-256 of a chain step (32-byte key, 1 byte of data each).</summary>
    [Benchmark(Description = "Primitive: HmacSha256 x2 (one chain step)")]
    public byte[] ChainStep()
    {
        HmacSha256.Compute(_chainKey, [0x01]);
        return HmacSha256.Compute(_chainKey, [0x02]);
    }

    /// <summary>KDF_CK as the ratchet runs it: both MACs under one prepared key (6 SHA-256 compressions instead of 8).</summary>
    [Benchmark(Description = "Primitive: HmacSha256Key x2 (chain step, prepared key)")]
    public byte[] PreparedChainStep()
    {
        var key = new HmacSha256Key(_chainKey);
        key.Compute([0x01], _macOutput);
        var next = new byte[HmacSha256.MacSize];
        key.Compute([0x02], next);
        return next;
    }

    /// <summary>Primitive, for attribution: the message-key expansion, HKDF-SHA-256 to 44 bytes (one per message and side).</summary>
    [Benchmark(Description = "Primitive: HkdfSha256 44 B (message keys)")]
    public byte[] MessageKeyExpansion() => HkdfSha256.DeriveKey(_chainKey, _zeroSalt, "XChat_Ratchet_Message_AES-256-GCM"u8, 44);

    /// <summary>For attribution: parsing and re-serializing a steady-state session record (one load and one store).</summary>
    [Benchmark(Description = "Session record parse+serialize")]
    public byte[] SessionRecordRoundTrip() => SessionRecord.Deserialize(_sessionRecord).Serialize();

    /// <summary>Primitive, for attribution: one Ed25519 signature check (RFC 8032) over 256 bytes.</summary>
    [Benchmark(Description = "Primitive: Ed25519 verify 256 B")]
    public bool Ed25519Verify() => Ed25519.Verify(_signingKey.PublicKey, _plaintext, _signature);

    /// <summary>Primitive, for attribution: one X25519 agreement (RFC 7748) with a key pair, as the protocol code calls it.</summary>
    [Benchmark(Description = "Primitive: X25519 agreement")]
    public byte[] X25519Agree() => X25519.TryAgree(_agreementKey, _peerAgreementKey, out var shared)
        ? shared
        : throw new InvalidOperationException("X25519 agreement failed.");

    /// <summary>
    /// Per backend: one X25519 agreement on OpenSSL's libcrypto (the active backend on Debian) with a key
    /// pair whose private key is already imported (every agreement after a pair's first).
    /// </summary>
    [Benchmark(Description = "Backend: X25519 agreement, OpenSSL (key pair)")]
    public byte[] X25519AgreeOpenSsl() => AgreeWith(OpenSslX25519, _agreementKey);

    /// <summary>Per backend: one X25519 agreement on OpenSSL from raw private key bytes, imported (public key recomputed) per call.</summary>
    [Benchmark(Description = "Backend: X25519 agreement, OpenSSL (raw key, import per call)")]
    public byte[] X25519AgreeOpenSslRaw()
    {
        var shared = new byte[X25519.KeySize];
        return OpenSslX25519.TryAgree(_agreementKey.PrivateKey, _peerAgreementKey, shared)
            ? shared
            : throw new InvalidOperationException("X25519 agreement failed.");
    }

    /// <summary>Per backend: one X25519 agreement on BouncyCastle (the fallback; no per-pair state).</summary>
    [Benchmark(Description = "Backend: X25519 agreement, BouncyCastle")]
    public byte[] X25519AgreePortable() => AgreeWith(X25519.Portable, _agreementKey);

    /// <summary>Primitive, for attribution: one X25519 key pair (a fixed-base scalar multiplication).</summary>
    [Benchmark(Description = "Primitive: X25519 key pair")]
    public X25519KeyPair X25519Generate() => X25519.GenerateKeyPair();

    /// <summary>Primitive, for attribution: ML-KEM-768 encapsulation (FIPS 203), the initiator's KEM step.</summary>
    [Benchmark(Description = "Primitive: ML-KEM-768 encapsulate")]
    public MlKem768Encapsulation MlKemEncapsulate() => MlKem768.Encapsulate(_kemKey.PublicKey);

    /// <summary>Primitive, for attribution: ML-KEM-768 decapsulation (FIPS 203), the responder's KEM step.</summary>
    [Benchmark(Description = "Primitive: ML-KEM-768 decapsulate")]
    public byte[] MlKemDecapsulate() => MlKem768.Decapsulate(_kemKey.PrivateKey, _kemCiphertext);

    /// <summary>
    /// Double Ratchet, steady state, one direction: Alice encrypts 256 bytes (symmetric chain step:
    /// HMAC chain KDF, HKDF message key, AES-256-GCM), the message is serialized and parsed, Bob decrypts.
    /// </summary>
    [Benchmark(Description = "Double Ratchet encrypt+decrypt 256 B, same direction")]
    public Task<byte[]> RatchetSameDirection() => RoundTripAsync(_alice, BobAddress, _bob, AliceAddress);

    /// <summary>
    /// Double Ratchet with the direction alternating on every message, so every message also takes
    /// a DH ratchet step (new X25519 key pair, two X25519 agreements, root KDF). Per message.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 2, Description = "Double Ratchet encrypt+decrypt 256 B, alternating (per msg)")]
    public async Task<byte[]> RatchetAlternating()
    {
        await RoundTripAsync(_alice, BobAddress, _bob, AliceAddress);
        return await RoundTripAsync(_bob, AliceAddress, _alice, BobAddress);
    }

    /// <summary>Sender keys: Alice encrypts and signs 256 bytes for the group, serialized and parsed, Bob verifies and decrypts.</summary>
    [Benchmark(Description = "Sender key encrypt+decrypt 256 B")]
    public async Task<byte[]> SenderKeyRoundTrip()
    {
        var wire = (await new GroupCipher(_aliceSenderKeys, _aliceGroupName).EncryptAsync(_plaintext)).Serialize();
        return await new GroupCipher(_bobSenderKeys, _aliceGroupName).DecryptAsync(SenderKeyMessage.Deserialize(wire));
    }

    /// <summary>
    /// Not session setup: what each session-setup benchmark does before it, to be subtracted from
    /// them. Fresh in-memory stores for both devices, Bob's signed prekey stored, and a fresh
    /// one-time X25519 prekey and one-time ML-KEM-768 prekey (signed with Bob's identity key)
    /// generated and stored, and Bob's bundle built from them.
    /// </summary>
    [Benchmark(Description = "Setup prerequisite: Bob's one-time keys + bundle (subtract)")]
    public async Task<PreKeyBundle> PeerKeys() => (await PeerKeysAsync()).Bundle;

    /// <summary>
    /// The initiator's side only, after <see cref="PeerKeys"/>: Alice verifies Bob's bundle, runs
    /// PQXDH (four X25519 agreements, ML-KEM-768 encapsulation, HKDF), starts the ratchet and
    /// encrypts the first 256-byte message, serialized.
    /// </summary>
    [Benchmark(Description = "PQXDH setup, initiator only (incl. prerequisite)")]
    public async Task<byte[]> SessionSetupInitiator()
    {
        var (alice, _, bundle) = await PeerKeysAsync();
        await new SessionBuilder(alice, BobAddress).ProcessPreKeyBundleAsync(bundle);
        return (await new SessionCipher(alice, BobAddress).EncryptAsync(_plaintext)).Serialize();
    }

    /// <summary>
    /// Both sides, after <see cref="PeerKeys"/>: the initiator as above, then Bob parses the initial
    /// message, runs PQXDH (four X25519 agreements, ML-KEM-768 decapsulation, HKDF), decrypts it,
    /// consumes his one-time prekeys and stores the new session.
    /// </summary>
    [Benchmark(Description = "PQXDH setup, both sides (incl. prerequisite)")]
    public async Task<byte[]> SessionSetupBothSides()
    {
        var (alice, bob, bundle) = await PeerKeysAsync();
        await new SessionBuilder(alice, BobAddress).ProcessPreKeyBundleAsync(bundle);
        return await RoundTripAsync(alice, BobAddress, bob, AliceAddress);
    }

    private static X25519.IX25519Backend OpenSslX25519 => X25519.OpenSsl ?? throw new InvalidOperationException("OpenSSL backend unavailable.");

    private byte[] AgreeWith(X25519.IX25519Backend backend, X25519KeyPair keyPair)
    {
        var shared = new byte[X25519.KeySize];
        return backend.TryAgree(keyPair, _peerAgreementKey, shared)
            ? shared
            : throw new InvalidOperationException("X25519 agreement failed.");
    }

    private async Task<(ProtocolStores Alice, ProtocolStores Bob, PreKeyBundle Bundle)> PeerKeysAsync()
    {
        var alice = ProtocolStores.InMemory(_aliceIdentity);
        var bob = ProtocolStores.InMemory(_bobIdentity);
        await bob.SignedPreKeys.StoreSignedPreKeyAsync(_bobSignedPreKey);
        var preKey = PreKeyRecord.GenerateBatch(new PreKeyId(1), 1)[0];
        await bob.PreKeys.StorePreKeyAsync(preKey);
        var kyberPreKey = KyberPreKeyRecord.Generate(_bobIdentity, new KyberPreKeyId(1), isLastResort: false, DateTimeOffset.UtcNow);
        await bob.KyberPreKeys.StoreKyberPreKeyAsync(kyberPreKey);
        return (alice, bob, PreKeyBundle.From(1, _bobIdentity.PublicKey, _bobSignedPreKey, preKey, kyberPreKey));
    }

    /// <summary>One message from <paramref name="sender"/> to <paramref name="receiver"/>, as bytes on the wire in between.</summary>
    private async Task<byte[]> RoundTripAsync(ProtocolStores sender, ProtocolAddress receiverAddress, ProtocolStores receiver, ProtocolAddress senderAddress)
    {
        var message = await new SessionCipher(sender, receiverAddress).EncryptAsync(_plaintext);
        var wire = message.Serialize();
        return await new SessionCipher(receiver, senderAddress).DecryptAsync(CiphertextMessage.Deserialize(message.Type, wire));
    }
}
