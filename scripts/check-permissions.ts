// `npm run permissions [-- <folder>]`: the AWS calls recorded in a folder (by default `npm start`'s,
// .aftercare/aws-calls) held against the synthesized stacks' roles. Exits 1 when a call would be refused on AWS.
import { checkRecordedCalls } from '#infra/permissions/check-stacks.ts'
import { formatReport } from '#infra/permissions/evaluate.ts'

const directory = process.argv[2] ?? '.aftercare/aws-calls'
const result = checkRecordedCalls(directory)
if (result.calls.length === 0) {
  console.error(`no AWS calls recorded in ${directory}: run npm start (and use it) or npm test first`)
  process.exit(2)
}
console.log(`${result.calls.length} distinct calls recorded in ${directory}`)
console.log(formatReport(result))
process.exit(result.denied.length > 0 ? 1 : 0)
