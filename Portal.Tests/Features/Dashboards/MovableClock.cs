namespace Portal.Tests.Features.Dashboards;

/// <summary>A clock a test can move forward, to see what a later day's dashboard shows without waiting for it.</summary>
public sealed class MovableClock : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = DateTimeOffset.UtcNow;

    public DateOnly Today => this.PortalToday();

    public void MoveForwardDays(int days) => Now = Now.AddDays(days);

    public void MoveForward(TimeSpan time) => Now = Now.Add(time);

    public override DateTimeOffset GetUtcNow() => Now;
}
