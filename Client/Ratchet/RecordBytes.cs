using System.Buffers.Binary;

namespace XChat.Client.Ratchet;

/// <summary>
/// Writes the fixed-layout binary records of this folder into a buffer sized up front: the same
/// bytes <see cref="BinaryWriter"/> writes (little-endian integers, a boolean as one byte 0 or 1),
/// without a stream and its copies. Writing past the end is a sizing bug and throws.
/// </summary>
internal ref struct RecordWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _position;

    /// <summary>The number of bytes written so far.</summary>
    public readonly int Position => _position;

    public void Write(byte value) => _buffer[_position++] = value;

    public void Write(bool value) => _buffer[_position++] = value ? (byte)1 : (byte)0;

    public void Write(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void Write(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_position..]);
        _position += bytes.Length;
    }
}

/// <summary>
/// Reads what <see cref="RecordWriter"/> wrote, in place. Reading past the end throws
/// <see cref="EndOfStreamException"/>, as <see cref="BinaryReader"/> does, so callers report a corrupt record.
/// </summary>
internal ref struct RecordReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    /// <summary>True when every byte was read.</summary>
    public readonly bool AtEnd => _position == _buffer.Length;

    public byte ReadByte() => Take(1)[0];

    /// <summary>A boolean written as 0 or 1; any other byte means the record is corrupt.</summary>
    public bool ReadBoolean() => ReadByte() switch
    {
        0 => false,
        1 => true,
        _ => throw new InvalidDataException("The session record is corrupt."),
    };

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    /// <summary>The next <paramref name="length"/> bytes, as a view into the buffer.</summary>
    public ReadOnlySpan<byte> ReadSpan(int length) => Take(length);

    /// <summary>The next <paramref name="length"/> bytes, copied into a new array.</summary>
    public byte[] ReadBytes(int length) => Take(length).ToArray();

    private ReadOnlySpan<byte> Take(int length)
    {
        if (_buffer.Length - _position < length)
        {
            throw new EndOfStreamException();
        }

        var slice = _buffer.Slice(_position, length);
        _position += length;
        return slice;
    }
}
