#!/usr/bin/env node
// The `glasswing` command; the kernel itself is compiled to ../dist (make kernel).
require('../dist/main.js')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      console.error(error)
      process.exit(1)
    },
  )
