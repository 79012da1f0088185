using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>One standalone server shared by the tests of a collection (starting one takes seconds).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public StandaloneServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "standalone server";
}
