using System.Diagnostics;
using System.Runtime.CompilerServices;
using XChat.Client.Keys;
using XChat.Client.Ratchet;

namespace XChat.LoadTests;

/// <summary>
/// A pair whose messages are end-to-end encrypted as the client encrypts them: a real PQXDH +
/// Double Ratchet session (in-memory stores) set up before the clock starts; the sender encrypts each
/// payload with <see cref="SessionCipher"/>, the partner decrypts it and checks it is the very
/// plaintext that was sent. A message that fails to decrypt or differs is a decrypt failure and is
/// not delivered (so it also counts as lost).
/// </summary>
internal sealed class E2ePair : ILoadPair
{
    private static readonly ProtocolAddress SenderAddress = new("load-sender", 1);
    private static readonly ProtocolAddress ReceiverAddress = new("load-receiver", 1);

    private readonly ILoadPair _inner;
    private readonly SessionCipher _encryptor;
    private readonly SessionCipher _decryptor;
    private readonly byte[]?[] _sent;

    // SessionCipher calls for one address must not overlap; sends of one pair can (the window).
    private readonly SemaphoreSlim _encrypting = new(1, 1);
    private long _encryptTicks;
    private long _encrypted;
    private long _decryptTicks;
    private long _decrypted;
    private long _decryptFailures;

    private E2ePair(ILoadPair inner, SessionCipher encryptor, SessionCipher decryptor, int messages)
    {
        _inner = inner;
        _encryptor = encryptor;
        _decryptor = decryptor;
        _sent = new byte[messages][];
    }

    public bool WindowEndsAtReceipt => _inner.WindowEndsAtReceipt;

    /// <summary>Received messages that did not decrypt, or decrypted to something that was not sent.</summary>
    public long DecryptFailures => Interlocked.Read(ref _decryptFailures);

    public long Encrypted => Interlocked.Read(ref _encrypted);

    public long Decrypted => Interlocked.Read(ref _decrypted);

    /// <summary>Wall time inside <see cref="SessionCipher.EncryptAsync"/> and serialization, summed.</summary>
    public TimeSpan EncryptTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _encryptTicks));

    /// <summary>Wall time inside parsing, <see cref="SessionCipher.DecryptAsync(SignalMessage)"/> and the plaintext check, summed.</summary>
    public TimeSpan DecryptTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _decryptTicks));

    /// <summary>
    /// Wraps each pair in a fresh session: the receiver's prekeys, the sender's PQXDH from them, the
    /// initial message and a reply exchanged in memory, so every measured message is a plain Double
    /// Ratchet message. Sequential: it runs before the clock.
    /// </summary>
    public static async Task<IReadOnlyList<E2ePair>> EstablishAsync(IReadOnlyList<ILoadPair> pairs, int messages)
    {
        var result = new E2ePair[pairs.Count];
        for (var i = 0; i < pairs.Count; i++)
        {
            result[i] = await EstablishAsync(pairs[i], messages);
        }

        return result;
    }

    public async Task SendAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var (index, _) = Payload.Read(payload);
        Volatile.Write(ref _sent[index], payload);
        byte[] wire;
        await _encrypting.WaitAsync(cancellationToken);
        try
        {
            var start = Stopwatch.GetTimestamp();
            wire = (await _encryptor.EncryptAsync(payload)).Serialize();
            Interlocked.Add(ref _encryptTicks, Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref _encrypted);
        }
        finally
        {
            _encrypting.Release();
        }

        await _inner.SendAsync(wire, cancellationToken);
    }

    public async IAsyncEnumerable<Receipt> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One reader: decryptions never overlap.
        await foreach (var receipt in _inner.ReceiveAsync(cancellationToken))
        {
            if (await TryDecryptAsync(receipt.Payload) is { } plaintext)
            {
                yield return receipt with { Payload = plaintext };
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        _encrypting.Dispose();
    }

    private async Task<byte[]?> TryDecryptAsync(ReadOnlyMemory<byte> wire)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var plaintext = await _decryptor.DecryptAsync(SignalMessage.Deserialize(wire.Span));
            if (plaintext.Length < Payload.HeaderBytes || !WasSent(plaintext))
            {
                Interlocked.Increment(ref _decryptFailures);
                return null;
            }

            Interlocked.Increment(ref _decrypted);
            return plaintext;
        }
        catch (Exception e) when (e is XChat.Client.Errors.SessionException or InvalidDataException)
        {
            // Forged, corrupted, replayed or undecryptable: counted, not thrown, like a failed send.
            Interlocked.Increment(ref _decryptFailures);
            return null;
        }
        finally
        {
            Interlocked.Add(ref _decryptTicks, Stopwatch.GetTimestamp() - start);
        }
    }

    private bool WasSent(byte[] plaintext)
    {
        var (index, _) = Payload.Read(plaintext);
        return index >= 0 && index < _sent.Length && Volatile.Read(ref _sent[index]) is { } sent && sent.AsSpan().SequenceEqual(plaintext);
    }

    private static async Task<E2ePair> EstablishAsync(ILoadPair inner, int messages)
    {
        var receiverIdentity = IdentityKeyPair.Generate();
        var sender = ProtocolStores.InMemory(IdentityKeyPair.Generate());
        var receiver = ProtocolStores.InMemory(receiverIdentity);
        var now = DateTimeOffset.UtcNow;
        var signedPreKey = SignedPreKeyRecord.Generate(receiverIdentity, new SignedPreKeyId(1), now);
        var preKey = PreKeyRecord.GenerateBatch(new PreKeyId(1), 1)[0];
        var kyberPreKey = KyberPreKeyRecord.Generate(receiverIdentity, new KyberPreKeyId(1), isLastResort: false, now);
        await receiver.SignedPreKeys.StoreSignedPreKeyAsync(signedPreKey);
        await receiver.PreKeys.StorePreKeyAsync(preKey);
        await receiver.KyberPreKeys.StoreKyberPreKeyAsync(kyberPreKey);

        await new SessionBuilder(sender, ReceiverAddress).ProcessPreKeyBundleAsync(PreKeyBundle.From(1, receiverIdentity.PublicKey, signedPreKey, preKey, kyberPreKey));
        var encryptor = new SessionCipher(sender, ReceiverAddress);
        var decryptor = new SessionCipher(receiver, SenderAddress);
        var initial = await encryptor.EncryptAsync("hello"u8.ToArray());
        await decryptor.DecryptAsync(CiphertextMessage.Deserialize(initial.Type, initial.Serialize()));
        var reply = await new SessionCipher(receiver, SenderAddress).EncryptAsync("hello back"u8.ToArray());
        await new SessionCipher(sender, ReceiverAddress).DecryptAsync(CiphertextMessage.Deserialize(reply.Type, reply.Serialize()));
        return new E2ePair(inner, encryptor, decryptor, messages);
    }
}
