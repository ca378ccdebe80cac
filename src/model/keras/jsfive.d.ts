// The parts of jsfive (a pure-JS HDF5 reader, no types of its own) that the Keras reader uses.
declare module 'jsfive' {
  export class Group {
    readonly name: string
    readonly keys: string[]
    readonly attrs: Record<string, unknown>
    get(path: string): Group | Dataset | undefined
  }
  export class Dataset {
    readonly name: string
    readonly shape: number[]
    readonly dtype: string | unknown
    readonly value: ArrayLike<number>
    readonly attrs: Record<string, unknown>
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string)
  }
}
