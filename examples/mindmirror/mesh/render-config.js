// Writes the gateway's source list from the build args baked in at image build time.
const names = ["AGENT", "JOURNAL", "HABITS", "MEALS", "MOVEMENTS", "PRACTICES", "USERS"];
const sources = names.map((n) => ({ name: n.toLowerCase(), handler: { graphql: { endpoint: `${process.env[n + "_SERVICE_URL"]}/graphql` } } }));
process.stdout.write(JSON.stringify({ sources }, null, 2));
