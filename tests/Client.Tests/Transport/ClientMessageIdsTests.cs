using XChat.Client.Transport;

namespace XChat.Client.Tests.Transport;

public sealed class ClientMessageIdsTests
{
    [Fact]
    public void Format_LaysOutTimestampVersionVariantRandomAndCounter_AsRfc9562Uuidv7()
    {
        // A timestamp, process bits 0xABCDE123, counter 0x123_4567_89AB (42 bits).
        var id = ClientMessageIds.Format(1_795_651_200_000, 0xABCDE123, 0x123_4567_89AB);

        Assert.Equal(32, id.Length);
        Assert.Equal(1_795_651_200_000L.ToString("x12"), id[..12]);
        Assert.Equal('7', id[12]); // version
        Assert.Equal("abc", id[13..16]); // rand_a: the top 12 process bits
        var randB = Convert.ToUInt64(id[16..], 16);
        Assert.Equal(0b10UL, randB >> 62); // variant
        Assert.Equal(0xDE123UL, (randB >> 42) & 0xFFFFF); // the low 20 process bits
        Assert.Equal(0x123_4567_89ABUL, randB & ((1UL << 42) - 1));
        Assert.Equal(7, Guid.ParseExact(id, "N").Version);
    }

    [Fact]
    public void Next_ManyIdsFromManyThreads_AllDistinctAndEachThreadsIdsIncrease()
    {
        const int threads = 4, perThread = 20_000;
        var all = new string[threads][];
        Parallel.For(0, threads, t =>
        {
            var ids = new string[perThread];
            for (var i = 0; i < perThread; i++)
            {
                ids[i] = ClientMessageIds.Next();
            }

            all[t] = ids;
        });

        Assert.Equal(threads * perThread, all.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).Count());
        foreach (var ids in all)
        {
            for (var i = 1; i < ids.Length; i++)
            {
                Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} is not before {ids[i]}");
            }
        }
    }

    [Fact]
    public void Next_CarriesTheCurrentTime()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = XChatConnection.NewClientMessageId();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var stamp = Convert.ToInt64(id[..12], 16);
        Assert.InRange(stamp, before, after);
    }
}
