namespace Federation.Store.Registration;

/// <summary>How many applications of one city are waiting and how many are past a deadline on a day.</summary>
public sealed record CityBacklogCount(string CityDivision, long Pending, long DecisionOverdue, long ContactOverdue);
