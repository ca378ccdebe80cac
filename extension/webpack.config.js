// Merged into @jupyterlab/builder's webpack configuration (package.json `jupyterlab.webpackConfig`).
// Plotly's bundles ship minified already: re-minifying their chunks (1.5 and 1.7 MB) is most of a
// production build's time and saves 5%, so chunks that large pass through as they are and everything
// else (tens of KB) is minified as usual.
const TerserPlugin = require('terser-webpack-plugin')

const ALREADY_MINIFIED_BYTES = 1_000_000

module.exports = {
  optimization: {
    minimizer: [
      new TerserPlugin({
        // In-process, so that the function below keeps its closure (workers get it serialized).
        parallel: false,
        minify: (input, sourceMap, options, extract) => {
          const code = Object.values(input)[0]
          if (code.length > ALREADY_MINIFIED_BYTES) return { code }
          return TerserPlugin.terserMinify(input, sourceMap, options, extract)
        },
      }),
    ],
  },
}
