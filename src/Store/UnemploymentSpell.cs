namespace Federation.Store;

/// <summary>An unemployment registration that began or ended in a range (inflow and outflow).</summary>
public sealed record UnemploymentSpell(string RegistrationId, DateOnly Registered, DateOnly? Cancelled, string CancelReason, string HandlingDivision);
