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
/// Version 1 is the only one; a reader meeting a newer one refuses it rather than guess.
/// </remarks>
internal static class SessionRecordCodec
{
    public const byte Version = 1;

    public static byte[] Write(SessionRecord record)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Version);
            writer.Write((byte)record.States.Count);
            foreach (var state in record.States)
            {
                WriteState(writer, state);
            }
        }

        return stream.ToArray();
    }

    public static SessionRecord Read(ReadOnlySpan<byte> serialized)
    {
        using var reader = new BinaryReader(new MemoryStream(serialized.ToArray()));
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
                states.Add(ReadState(reader));
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length)
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

    private static void WriteState(BinaryWriter writer, SessionState state)
    {
        writer.Write(state.LocalIdentity.Serialize());
        writer.Write(state.RemoteIdentity.Serialize());
        writer.Write(state.IsInitiator);
        writer.Write(state.BaseKey);
        writer.Write(state.RootKey);
        writer.Write(state.SendingRatchetKey.PrivateKey);
        writer.Write(state.SendingRatchetKey.PublicKey);
        WriteOptional(writer, state.SendingChainKey);
        writer.Write(state.SendCounter);
        writer.Write(state.PreviousSendCounter);
        WriteOptional(writer, state.ReceivingRatchetKey);
        WriteOptional(writer, state.ReceivingChainKey);
        writer.Write(state.ReceiveCounter);
        writer.Write((byte)state.PreviousReceivingChains.Count);
        foreach (var chain in state.PreviousReceivingChains)
        {
            writer.Write(chain.RatchetKey);
            writer.Write(chain.EndCounter);
        }

        writer.Write(state.SkippedKeys.Count);
        foreach (var key in state.SkippedKeys.Keys)
        {
            writer.Write(key.RatchetKey);
            writer.Write(key.Counter);
            writer.Write(key.MessageKey);
        }

        writer.Write(state.PendingPreKey is not null);
        if (state.PendingPreKey is { } pending)
        {
            writer.Write(pending.SignedPreKeyId.Value);
            writer.Write(pending.PreKeyId.HasValue);
            writer.Write(pending.PreKeyId?.Value ?? 0);
            writer.Write(pending.KyberPreKeyId.Value);
            writer.Write(pending.KemCiphertext);
        }
    }

    private static SessionState ReadState(BinaryReader reader)
    {
        var local = IdentityKey.DeserializeFromOwnRecord(ReadExactly(reader, IdentityKey.SerializedSize));
        var remote = IdentityKey.DeserializeFromOwnRecord(ReadExactly(reader, IdentityKey.SerializedSize));
        var isInitiator = ReadBoolean(reader);
        var baseKey = ReadKey(reader);
        var rootKey = ReadKey(reader);
        var sendingRatchetKey = new X25519KeyPair(ReadKey(reader), ReadKey(reader));
        var state = new SessionState
        {
            LocalIdentity = local,
            RemoteIdentity = remote,
            IsInitiator = isInitiator,
            BaseKey = baseKey,
            RootKey = rootKey,
            SendingRatchetKey = sendingRatchetKey,
            SendingChainKey = ReadOptional(reader),
            SendCounter = reader.ReadUInt32(),
            PreviousSendCounter = reader.ReadUInt32(),
            ReceivingRatchetKey = ReadOptional(reader),
            ReceivingChainKey = ReadOptional(reader),
            ReceiveCounter = reader.ReadUInt32(),
        };

        var chainCount = reader.ReadByte();
        if (chainCount > SessionLimits.MaxPreviousReceivingChains)
        {
            throw new InvalidDataException("The session state remembers too many chains.");
        }

        for (var i = 0; i < chainCount; i++)
        {
            state.PreviousReceivingChains.Add(new PreviousReceivingChain(ReadKey(reader), reader.ReadUInt32()));
        }

        var skippedCount = reader.ReadInt32();
        if (skippedCount is < 0 or > SessionLimits.MaxSkippedMessageKeys)
        {
            throw new InvalidDataException("The session state holds too many skipped keys.");
        }

        for (var i = 0; i < skippedCount; i++)
        {
            state.SkippedKeys.Add(ReadKey(reader), reader.ReadUInt32(), ReadKey(reader));
        }

        if (ReadBoolean(reader))
        {
            var signedPreKeyId = new SignedPreKeyId(reader.ReadUInt32());
            var hasPreKey = ReadBoolean(reader);
            var preKeyId = reader.ReadUInt32();
            var kyberPreKeyId = new KyberPreKeyId(reader.ReadUInt32());
            var kemCiphertext = ReadExactly(reader, MlKem768.CiphertextSize);
            state.PendingPreKey = new PendingPreKey(signedPreKeyId, hasPreKey ? new PreKeyId(preKeyId) : null, kyberPreKeyId, kemCiphertext);
        }

        return state;
    }

    private static void WriteOptional(BinaryWriter writer, byte[]? key)
    {
        writer.Write(key is not null);
        if (key is not null)
        {
            writer.Write(key);
        }
    }

    private static byte[]? ReadOptional(BinaryReader reader) => ReadBoolean(reader) ? ReadKey(reader) : null;

    private static byte[] ReadKey(BinaryReader reader) => ReadExactly(reader, RatchetKdf.KeySize);

    private static bool ReadBoolean(BinaryReader reader) => reader.ReadByte() switch
    {
        0 => false,
        1 => true,
        _ => throw new InvalidDataException("The session record is corrupt."),
    };

    private static byte[] ReadExactly(BinaryReader reader, int length)
    {
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }
}
