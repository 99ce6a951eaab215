namespace Federation.Store;

/// <summary>An assistance-target exit (R-12 candidates).</summary>
public sealed record AssistanceExit(string CitizenId, DateOnly Exit, string HandlingDivision);
