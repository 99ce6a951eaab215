namespace Federation.Store;

/// <summary>
/// Where a merged seal looks up a monitoring city's resident population, which sets the city's
/// minimum sample (<see cref="SampleChecks"/>): the figures are kept by the node's Monitoring
/// settings, not by the store, and are asked for city by city as the sample check needs them.
/// </summary>
public interface ICityPopulations
{
    /// <summary>The population of the GB/T 2260 city, or null when it is not known.</summary>
    long? PopulationOf(string cityCode);
}
