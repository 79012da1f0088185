using XChat.Client.Crypto;
using XChat.Client.Errors;

namespace XChat.Client.Groups;

/// <summary>
/// The versioned binary encoding of a <see cref="SenderKeyRecord"/>, for the profile's sender key table.
/// Little-endian integers, fixed-size keys.
/// </summary>
/// <remarks>
/// record = version (1) || state count (1) || state*
/// state  = chain id (4) || first iteration (4) || iteration (4) || chain key (32) || signing public key (32) ||
///          [signing private key] (1 + 32) || skipped count (4) || (iteration (4) || seed (32))*
/// </remarks>
internal static class SenderKeyRecordCodec
{
    public const byte Version = 1;

    public static byte[] Write(SenderKeyRecord record)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Version);
            writer.Write((byte)record.States.Count);
            foreach (var state in record.States)
            {
                writer.Write(state.ChainId);
                writer.Write(state.FirstIteration);
                writer.Write(state.Iteration);
                writer.Write(state.ChainKey);
                writer.Write(state.SigningPublicKey);
                writer.Write(state.SigningPrivateKey is not null);
                if (state.SigningPrivateKey is not null)
                {
                    writer.Write(state.SigningPrivateKey);
                }

                writer.Write(state.Skipped.Count);
                foreach (var (iteration, seed) in state.Skipped)
                {
                    writer.Write(iteration);
                    writer.Write(seed);
                }
            }
        }

        return stream.ToArray();
    }

    public static SenderKeyRecord Read(ReadOnlySpan<byte> serialized)
    {
        using var reader = new BinaryReader(new MemoryStream(serialized.ToArray()));
        try
        {
            if (reader.ReadByte() != Version)
            {
                throw new InvalidMessageException("Unsupported sender key record version.");
            }

            var count = reader.ReadByte();
            if (count > SenderKeyLimits.MaxStates)
            {
                throw new InvalidMessageException("The sender key record holds too many chains.");
            }

            var states = new List<SenderKeyState>(count);
            for (var i = 0; i < count; i++)
            {
                var chainId = reader.ReadUInt32();
                var first = reader.ReadUInt32();
                var iteration = reader.ReadUInt32();
                var chainKey = ReadExactly(reader, SenderKeyKdf.KeySize);
                var signingPublic = ReadExactly(reader, Ed25519.PublicKeySize);
                var signingPrivate = reader.ReadBoolean() ? ReadExactly(reader, Ed25519.PrivateKeySize) : null;
                var skippedCount = reader.ReadInt32();
                if (skippedCount < 0 || skippedCount > SenderKeyLimits.MaxSkippedMessageKeys)
                {
                    throw new InvalidMessageException("The sender key record holds too many skipped keys.");
                }

                var skipped = new List<(uint, byte[])>(skippedCount);
                for (var k = 0; k < skippedCount; k++)
                {
                    skipped.Add((reader.ReadUInt32(), ReadExactly(reader, SenderKeyKdf.KeySize)));
                }

                states.Add(SenderKeyState.Restore(chainId, first, iteration, chainKey, signingPublic, signingPrivate, skipped));
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidMessageException("Trailing bytes after the sender key record.");
            }

            return SenderKeyRecord.FromStates(states);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidMessageException("The sender key record is truncated.", e);
        }
    }

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        var bytes = reader.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException();
    }
}
