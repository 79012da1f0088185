namespace XChat.Integration.Tests.Cluster;

/// <summary>
/// Tests that run real silo and gateway processes. They run alone (no other test class in
/// parallel): failover timings on two shared cores would otherwise measure the other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster processes";
}
