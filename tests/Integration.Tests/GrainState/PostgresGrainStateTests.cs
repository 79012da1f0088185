namespace XChat.Integration.Tests.GrainState;

/// <summary>Grain state on PostgreSQL (cluster mode); needs XCHAT_TEST_POSTGRES.</summary>
public sealed class PostgresGrainStateTests(PostgresGrainStateDatabase database)
    : GrainStateTestsBase(database), IClassFixture<PostgresGrainStateDatabase>;
