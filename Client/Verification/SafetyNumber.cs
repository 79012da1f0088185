// The safety number of two users, after Signal's numeric fingerprint (libsignal
// NumericFingerprintGenerator, version 1 display): for each user,
//   hash = version (2 bytes, big-endian) || keys || identifier, then 5200 times
//   hash = SHA-512(hash || keys),
// and 30 digits from the first 30 bytes: six chunks of 5 bytes (big-endian) mod 100000, five digits
// each. The two halves are joined in a fixed order (the lower identifier first, by ordinal
// comparison), so both users compute the same 60 digits.
//
// Multi-device: Signal has one identity key per account; here every device has its own. "keys" is
// the encoding of every device identity key of the user (0x06 || Ed25519 || 0x05 || X25519, 66
// bytes each, as in the session associated data), sorted bytewise and concatenated. Linking or
// replacing a device therefore changes the number: a new device can read the conversation, so it
// is exactly the change the user should see.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using XChat.Client.Keys;

namespace XChat.Client.Verification;

/// <summary>The 60-digit number two users compare to verify each other's identity keys.</summary>
public sealed class SafetyNumber : IEquatable<SafetyNumber>
{
    /// <summary>The number of SHA-512 iterations (Signal's value): makes finding a colliding key about 2^12 times costlier.</summary>
    public const int Iterations = 5200;

    /// <summary>The fingerprint version hashed first; a new construction would use a new one.</summary>
    public const ushort Version = 0;

    public const int DigitCount = 60;

    private const int DigitsPerUser = 30;
    private const int ChunkSize = 5;
    private const int ChunkModulus = 100_000;

    private SafetyNumber(string digits)
    {
        Digits = digits;
    }

    /// <summary>The 60 digits, without separators.</summary>
    public string Digits { get; }

    /// <summary>The 12 groups of 5 digits shown to the user.</summary>
    public IReadOnlyList<string> Groups => Enumerable.Range(0, DigitCount / ChunkSize).Select(i => Digits.Substring(i * ChunkSize, ChunkSize)).ToArray();

    /// <summary>
    /// The safety number of two users; the same whichever of them computes it.
    /// </summary>
    /// <param name="localIdentifier">A stable identifier of the local user (the handle).</param>
    /// <param name="localKeys">The identity keys of all the local user's devices (any order).</param>
    public static SafetyNumber Compute(string localIdentifier, IEnumerable<IdentityKey> localKeys, string remoteIdentifier, IEnumerable<IdentityKey> remoteKeys)
    {
        ArgumentException.ThrowIfNullOrEmpty(localIdentifier);
        ArgumentException.ThrowIfNullOrEmpty(remoteIdentifier);
        var order = string.CompareOrdinal(localIdentifier, remoteIdentifier);
        if (order == 0)
        {
            throw new ArgumentException("A safety number is for two different users.", nameof(remoteIdentifier));
        }

        var local = Fingerprint(localIdentifier, localKeys);
        var remote = Fingerprint(remoteIdentifier, remoteKeys);
        return new SafetyNumber(order < 0 ? local + remote : remote + local);
    }

    /// <summary>The 12 groups separated by spaces, e.g. "12345 67890 …".</summary>
    public string ToDisplayString() => string.Join(' ', Groups);

    public override string ToString() => ToDisplayString();

    public bool Equals(SafetyNumber? other) => other is not null && Digits == other.Digits;

    public override bool Equals(object? obj) => Equals(obj as SafetyNumber);

    public override int GetHashCode() => Digits.GetHashCode(StringComparison.Ordinal);

    /// <summary>The encoded device keys of one user, sorted and concatenated: the same set gives the same bytes.</summary>
    internal static byte[] EncodeKeys(IEnumerable<IdentityKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var encoded = keys.Select(key => key.EncodeForAssociatedData()).Distinct(ByteArrayComparer.Instance).ToList();
        if (encoded.Count == 0)
        {
            throw new ArgumentException("A user has at least one identity key.", nameof(keys));
        }

        encoded.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return encoded.SelectMany(key => key).ToArray();
    }

    private static string Fingerprint(string identifier, IEnumerable<IdentityKey> keys)
    {
        var keyBytes = EncodeKeys(keys);
        var input = new byte[2 + keyBytes.Length + Encoding.UTF8.GetByteCount(identifier)];
        BinaryPrimitives.WriteUInt16BigEndian(input, Version);
        keyBytes.CopyTo(input, 2);
        Encoding.UTF8.GetBytes(identifier, input.AsSpan(2 + keyBytes.Length));

        // Signal's loop: hash starts as the input itself, and every iteration appends the keys again.
        var hash = input;
        for (var i = 0; i < Iterations; i++)
        {
            hash = SHA512.HashData([.. hash, .. keyBytes]);
        }

        var digits = new StringBuilder(DigitsPerUser);
        for (var offset = 0; offset < DigitsPerUser; offset += ChunkSize)
        {
            ulong chunk = 0;
            foreach (var b in hash.AsSpan(offset, ChunkSize))
            {
                chunk = (chunk << 8) | b;
            }

            digits.Append((chunk % ChunkModulus).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
        }

        return digits.ToString();
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => BitConverter.ToInt32(obj, 1);
    }
}
