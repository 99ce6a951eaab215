using MiniExcel = MiniExcelLibs.MiniExcel;

namespace Federation.Reporting;

/// <summary>
/// The report's tables as a spreadsheet (.xlsx, MiniExcel) for officials who rework them: one
/// sheet per table, the same figures as the HTML, numbers as numbers.
/// </summary>
internal static class QuarterlyReportWorkbook
{
    public static void Write(QuarterlyReportData data, string path)
    {
        var sheets = new Dictionary<string, object>
        {
            ["主要指标"] = Headline(data),
            ["失业登记流入流出"] = new List<Dictionary<string, object>> { Row(("项目", "新登记失业（流入）"), ("人次", data.QuarterFigures.UnemploymentInflow)),
                Row(("项目", "其中：网上申请"), ("人次", data.QuarterFigures.UnemploymentInflowOnline)),
                Row(("项目", "其中：经办机构登记"), ("人次", data.QuarterFigures.UnemploymentInflow - data.QuarterFigures.UnemploymentInflowOnline)), Row(("项目", "注销失业登记（流出）"), ("人次", data.QuarterFigures.UnemploymentOutflow)) }
                .Concat(data.QuarterFigures.ExitReasons.Select(r => Row(("项目", "注销原因：" + QuarterlyReportHtml.ExitReasonName(r.Reason)), ("人次", r.Registrations)))).ToList(),
            ["分地区"] = data.Areas.Select(a => Row(("地区代码", a.Code), ("地区", a.Name), ("城镇新增就业", a.Figures.NewUrbanEmployment),
                ("失业人员再就业", a.Figures.ReemployedUnemployed), ("就业困难人员就业", a.Figures.HardToEmployEmployed), ("登记失业人员", a.Figures.RegisteredUnemployed))).ToList(),
            ["近八个季度"] = data.Trend.Select(t => Row(("季度", t.Quarter.ToString()), ("城镇新增就业", t.Figures.NewUrbanEmployment),
                ("失业人员再就业", t.Figures.ReemployedUnemployed), ("就业困难人员就业", t.Figures.HardToEmployEmployed), ("登记失业人员", t.Figures.RegisteredUnemployed))).ToList(),
            ["企业用工监测"] = data.Monitoring.Select(m => Row(("月份", m.Month), ("监测企业", m.Total.Enterprises), ("建档期人数", m.Total.Baseline),
                ("调查期人数", m.Total.Current), ("增减", m.Total.Change), ("增减幅度%", m.Total.ChangePct), ("减员企业", m.Total.ReducingEnterprises),
                ("预警企业", (long)m.EarlyWarnings.Count))).ToList(),
            ["来源"] = new List<Dictionary<string, object>>
            {
                Row(("节点", data.NodeId), ("行政区划", $"{data.Division} {data.DivisionName}"), ("季度", data.Quarter.ToString()), ("封存期", data.Period), ("摘要", data.Digest),
                    ("生成时间", data.GeneratedAt.ToString("yyyy-MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture))),
            },
        };
        MiniExcel.SaveAs(path, sheets, overwriteFile: true);
    }

    private static List<Dictionary<string, object>> Headline(QuarterlyReportData data)
    {
        var lastYear = data.SameQuarterLastYear;
        (string Name, Func<Protocol.V1.Indicators, long> Value)[] indicators =
        [
            ("城镇新增就业 (R-10)", i => i.NewUrbanEmployment),
            ("失业人员再就业 (R-11)", i => i.ReemployedUnemployed),
            ("就业困难人员就业 (R-12)", i => i.HardToEmployEmployed),
            ("登记失业人员 (R-13)", i => i.RegisteredUnemployed),
        ];
        var rows = indicators.Select(i => Row(("指标", i.Name), ("本季度", i.Value(data.QuarterFigures)), ("年初至本季度末", i.Value(data.YearToDate)),
            ("上年同期", lastYear is null ? "" : i.Value(lastYear)))).ToList();
        rows.Add(Row(("指标", "城镇登记失业率 (R-14) %"), ("本季度", data.QuarterFigures.RegisteredUnemploymentRate), ("年初至本季度末", ""), ("上年同期", "")));
        return rows;
    }

    private static Dictionary<string, object> Row(params (string Column, object Value)[] cells) => cells.ToDictionary(c => c.Column, c => c.Value);
}
