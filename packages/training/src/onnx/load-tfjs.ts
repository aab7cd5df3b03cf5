/**
 * Reads a TensorFlow.js layers model saved to disk (`model.json` + weight shards, as `model.save('file://dir')` in
 * tfjs-node or the tensorflowjs converter write it) without tfjs-node, whose install needs libtensorflow.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tf } from '../tf-backend.js';
import { OnnxExportError } from './errors.js';

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
}

export async function loadLayersModelFile(path: string): Promise<tf.LayersModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as ModelJson;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder: name its model.json' : (err as Error).message;
    throw new OnnxExportError(`${path}: cannot read a TensorFlow.js model (${why}); pass the model.json that model.save() wrote`, undefined, { cause: err });
  }
  if (typeof json !== 'object' || json === null || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new OnnxExportError(`${path}: not a TensorFlow.js layers model (model.json needs modelTopology and weightsManifest); graph models cannot be exported`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = join(dirname(path), p);
      try {
        shards.push(await readFile(file));
      } catch (err) {
        throw new OnnxExportError(`${file}: weight shard listed in ${path} cannot be read (${(err as Error).message}); copy it beside model.json`, undefined, { cause: err });
      }
    }
  }
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology as tf.io.ModelJSON['modelTopology'], weightSpecs: specs, weightData }));
  } catch (err) {
    throw new OnnxExportError(`${path}: TensorFlow.js cannot build this model (${(err as Error).message.split('\n')[0]})`, undefined, { cause: err });
  }
}
