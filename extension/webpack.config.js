// Merged into @jupyterlab/builder's webpack configuration (package.json `jupyterlab.webpackConfig`).
// Plotly ships minified already: re-minifying its 4.6 MB chunk was most of the build's time.
const TerserPlugin = require('terser-webpack-plugin')

module.exports = {
  optimization: { minimizer: [new TerserPlugin({ exclude: /plotly/ })] },
}
