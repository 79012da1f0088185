using XChat.Client.Crypto;
using XChat.Client.Errors;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>
/// The versioned binary encoding of a <see cref="SessionRecord"/>. Little-endian integers; keys
/// have fixed sizes and optional values a presence byte.
/// </summary>
/// <remarks>
/// record  = version (1) || state count (1) || state*
/// state   = local identity (128) || remote identity (128) || initiator (1) || base key (32) ||
///           root key (32) || DHs private (32) || DHs public (32) || [CKs] (1 + 32) || Ns (4) || PN (4) ||
///           [DHr] (1 + 32) || [CKr] (1 + 32) || Nr (4) ||
///           previous chain count (1) || (ratchet key (32) || end counter (4))* ||
///           skipped count (4) || (ratchet key (32) || counter (4) || message key (32))* ||
///           [pending: signed prekey id (4) || [one-time prekey id] (1 + 4) || KEM prekey id (4) || CT (1088)]
/// Version 1 is the only one; a reader meeting a newer one refuses it rather than guess. The record is
/// sized first and written into one array, and read in place: it is parsed and written on every
/// encrypt and decrypt.
/// </remarks>
internal static class SessionRecordCodec
{
    public const byte Version = 1;

    private const int OptionalKeySize = 1 + RatchetKdf.KeySize;

    private const int PendingPreKeySize = 4 + 1 + 4 + 4 + MlKem768.CiphertextSize;

    public static byte[] Write(SessionRecord record)
    {
        var size = 2;
        foreach (var state in record.States)
        {
            size += StateSize(state);
        }

        var bytes = new byte[size];
        var writer = new RecordWriter(bytes);
        writer.Write(Version);
        writer.Write((byte)record.States.Count);
        foreach (var state in record.States)
        {
            WriteState(ref writer, state);
        }

        return writer.Position == size ? bytes : throw new InvalidOperationException("The session record's size was miscounted.");
    }

    public static SessionRecord Read(ReadOnlySpan<byte> serialized)
    {
        var reader = new RecordReader(serialized);
        try
        {
            if (reader.ReadByte() != Version)
            {
                throw new InvalidDataException("Unsupported session record version.");
            }

            var count = reader.ReadByte();
            if (count > SessionLimits.MaxArchivedStates + 1)
            {
                throw new InvalidDataException("The session record holds too many states.");
            }

            var states = new List<SessionState>(count);
            for (var i = 0; i < count; i++)
            {
                states.Add(ReadState(ref reader));
            }

            if (!reader.AtEnd)
            {
                throw new InvalidDataException("The session record has trailing bytes.");
            }

            return new SessionRecord(states);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidKeyException)
        {
            throw new InvalidDataException("The session record is corrupt.", e);
        }
    }

    private static int StateSize(SessionState state)
    {
        return (2 * IdentityKey.SerializedSize) + 1 + (4 * RatchetKdf.KeySize)
            + OptionalSize(state.SendingChainKey) + 4 + 4
            + OptionalSize(state.ReceivingRatchetKey) + OptionalSize(state.ReceivingChainKey) + 4
            + 1 + (state.PreviousReceivingChains.Count * (RatchetKdf.KeySize + 4))
            + 4 + (state.SkippedKeys.Count * (RatchetKdf.KeySize + 4 + RatchetKdf.KeySize))
            + 1 + (state.PendingPreKey is null ? 0 : PendingPreKeySize);
    }

    private static int OptionalSize(byte[]? key) => key is null ? 1 : OptionalKeySize;

    private static void WriteState(ref RecordWriter writer, SessionState state)
    {
        WriteIdentity(ref writer, state.LocalIdentity);
        WriteIdentity(ref writer, state.RemoteIdentity);
        writer.Write(state.IsInitiator);
        WriteKey(ref writer, state.BaseKey);
        WriteKey(ref writer, state.RootKey);
        WriteKey(ref writer, state.SendingRatchetKey.PrivateKey);
        WriteKey(ref writer, state.SendingRatchetKey.PublicKey);
        WriteOptional(ref writer, state.SendingChainKey);
        writer.Write(state.SendCounter);
        writer.Write(state.PreviousSendCounter);
        WriteOptional(ref writer, state.ReceivingRatchetKey);
        WriteOptional(ref writer, state.ReceivingChainKey);
        writer.Write(state.ReceiveCounter);
        writer.Write((byte)state.PreviousReceivingChains.Count);
        foreach (var chain in state.PreviousReceivingChains)
        {
            WriteKey(ref writer, chain.RatchetKey);
            writer.Write(chain.EndCounter);
        }

        writer.Write(state.SkippedKeys.Count);
        foreach (var key in state.SkippedKeys.Keys)
        {
            WriteKey(ref writer, key.RatchetKey);
            writer.Write(key.Counter);
            WriteKey(ref writer, key.MessageKey);
        }

        writer.Write(state.PendingPreKey is not null);
        if (state.PendingPreKey is { } pending)
        {
            writer.Write(pending.SignedPreKeyId.Value);
            writer.Write(pending.PreKeyId.HasValue);
            writer.Write(pending.PreKeyId?.Value ?? 0);
            writer.Write(pending.KyberPreKeyId.Value);
            Requires(pending.KemCiphertext.Length == MlKem768.CiphertextSize);
            writer.Write(pending.KemCiphertext);
        }
    }

    private static SessionState ReadState(ref RecordReader reader)
    {
        var local = IdentityKey.DeserializeFromOwnRecord(reader.ReadSpan(IdentityKey.SerializedSize));
        var remote = IdentityKey.DeserializeFromOwnRecord(reader.ReadSpan(IdentityKey.SerializedSize));
        var isInitiator = reader.ReadBoolean();
        var baseKey = ReadKey(ref reader);
        var rootKey = ReadKey(ref reader);
        var sendingRatchetKey = new X25519KeyPair(ReadKey(ref reader), ReadKey(ref reader));
        var state = new SessionState
        {
            LocalIdentity = local,
            RemoteIdentity = remote,
            IsInitiator = isInitiator,
            BaseKey = baseKey,
            RootKey = rootKey,
            SendingRatchetKey = sendingRatchetKey,
            SendingChainKey = ReadOptional(ref reader),
            SendCounter = reader.ReadUInt32(),
            PreviousSendCounter = reader.ReadUInt32(),
            ReceivingRatchetKey = ReadOptional(ref reader),
            ReceivingChainKey = ReadOptional(ref reader),
            ReceiveCounter = reader.ReadUInt32(),
        };

        var chainCount = reader.ReadByte();
        if (chainCount > SessionLimits.MaxPreviousReceivingChains)
        {
            throw new InvalidDataException("The session state remembers too many chains.");
        }

        for (var i = 0; i < chainCount; i++)
        {
            state.PreviousReceivingChains.Add(new PreviousReceivingChain(ReadKey(ref reader), reader.ReadUInt32()));
        }

        var skippedCount = reader.ReadInt32();
        if (skippedCount is < 0 or > SessionLimits.MaxSkippedMessageKeys)
        {
            throw new InvalidDataException("The session state holds too many skipped keys.");
        }

        for (var i = 0; i < skippedCount; i++)
        {
            state.SkippedKeys.Add(ReadKey(ref reader), reader.ReadUInt32(), ReadKey(ref reader));
        }

        if (reader.ReadBoolean())
        {
            var signedPreKeyId = new SignedPreKeyId(reader.ReadUInt32());
            var hasPreKey = reader.ReadBoolean();
            var preKeyId = reader.ReadUInt32();
            var kyberPreKeyId = new KyberPreKeyId(reader.ReadUInt32());
            var kemCiphertext = reader.ReadBytes(MlKem768.CiphertextSize);
            state.PendingPreKey = new PendingPreKey(signedPreKeyId, hasPreKey ? new PreKeyId(preKeyId) : null, kyberPreKeyId, kemCiphertext);
        }

        return state;
    }

    private static void WriteIdentity(ref RecordWriter writer, IdentityKey identity)
    {
        // The 128-byte form of IdentityKey.Serialize, without its intermediate array.
        writer.Write(identity.SigningKey);
        writer.Write(identity.AgreementKey);
        writer.Write(identity.BindingSignature);
    }

    private static void WriteKey(ref RecordWriter writer, byte[] key)
    {
        // Every key of a state is 32 bytes: the size computation counts on it.
        Requires(key.Length == RatchetKdf.KeySize);
        writer.Write(key);
    }

    private static void WriteOptional(ref RecordWriter writer, byte[]? key)
    {
        writer.Write(key is not null);
        if (key is not null)
        {
            WriteKey(ref writer, key);
        }
    }

    private static byte[]? ReadOptional(ref RecordReader reader) => reader.ReadBoolean() ? ReadKey(ref reader) : null;

    private static byte[] ReadKey(ref RecordReader reader) => reader.ReadBytes(RatchetKdf.KeySize);

    private static void Requires(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("A session state holds a key of the wrong size.");
        }
    }
}
