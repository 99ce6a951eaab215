using Federation.Store;
using Microsoft.Extensions.Options;

namespace Federation.Node.Monitoring;

/// <summary>The cities' populations as this node's settings give them (Monitoring:CityPopulation), for the seal's sample checks.</summary>
internal sealed class ConfiguredCityPopulations(IOptions<MonitoringOptions> options) : ICityPopulations
{
    public long? PopulationOf(string cityCode) => options.Value.CityPopulation.TryGetValue(cityCode, out var population) ? population : null;
}
