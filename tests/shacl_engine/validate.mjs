// Validate N-Triples data files against N-Triples shapes with shacl-engine
// (https://github.com/rdf-ext/shacl-engine), SPARQL-based constraints included, and print each
// validation report as N-Triples on stdout, after a line "# report <data file>".
// Usage: node validate.mjs SHAPES.nt DATA.nt [DATA.nt ...]
// Run with NODE_PATH pointing at the node_modules that `make shacl-engine` installs.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import path from 'node:path'

// ES modules ignore NODE_PATH: resolve the packages from it by hand.
const roots = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean)
async function load (name) {
  for (const root of roots) {
    try {
      const require = createRequire(path.join(root, 'noop.js'))
      return await import(pathToFileURL(require.resolve(name)).href)
    } catch (error) {
      if (error.code !== 'MODULE_NOT_FOUND') throw error
    }
  }
  return import(name)
}

const rdf = (await load('rdf-ext')).default
const N3 = (await load('n3')).default
const { Validator } = await load('shacl-engine')
const { targetResolvers, validations } = await load('shacl-engine/sparql.js')

function read (file) {
  const dataset = rdf.dataset()
  const parser = new N3.Parser({ format: 'N-Triples', factory: rdf })
  for (const quad of parser.parse(readFileSync(file, 'utf8'))) {
    dataset.add(quad)
  }
  return dataset
}

const [shapesFile, ...dataFiles] = process.argv.slice(2)
const validator = new Validator(read(shapesFile), { factory: rdf, targetResolvers, validations })
for (const dataFile of dataFiles) {
  const report = await validator.validate({ dataset: read(dataFile) })
  process.stdout.write(`# report ${dataFile}\n${report.dataset.toString()}\n`)
}
