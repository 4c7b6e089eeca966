// Which patches a batch hides, as the dense index lists the model gathers with.
// Every image masks the same number of patches (the official code relies on it too), so the visible
// and masked tokens of a batch form dense [B, Nv, ·] and [B, Nm, ·] tensors.

export interface PatchSelection {
  /** Patches per image in this selection (Nv, Nm or N). */
  readonly perImage: number;
  /** Patch indices within their image, in patch order, image after image: [B·n]. */
  readonly local: Int32Array;
  /** The same patches as rows of a [B·N, ·] tensor: b·N + local. */
  readonly flat: Int32Array;
}

export interface MaskIndices {
  readonly batch: number;
  readonly numPatches: number;
  readonly visible: PatchSelection;
  readonly masked: PatchSelection;
}

function select(mask: ArrayLike<number>, B: number, N: number, want: 0 | 1, perImage: number): PatchSelection {
  const local = new Int32Array(B * perImage);
  const flat = new Int32Array(B * perImage);
  let k = 0;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < N; i++) {
      if ((mask[b * N + i] ? 1 : 0) === want) {
        local[k] = i;
        flat[k] = b * N + i;
        k++;
      }
    }
  }
  return { perImage, local, flat };
}

/** Index lists for a [B·N] mask (1 = masked). Refuses masks whose per-image counts differ. */
export function maskIndices(mask: ArrayLike<number>, batch: number, numPatches: number): MaskIndices {
  if (mask.length !== batch * numPatches) throw new Error(`mask has ${mask.length} entries, expected ${batch}×${numPatches}`);
  let nm = -1;
  for (let b = 0; b < batch; b++) {
    let c = 0;
    for (let i = 0; i < numPatches; i++) c += mask[b * numPatches + i] ? 1 : 0;
    if (nm === -1) nm = c;
    else if (c !== nm) throw new Error(`image ${b} masks ${c} patches but image 0 masks ${nm}: every image must mask the same number`);
  }
  if (nm <= 0 || nm >= numPatches) throw new Error(`each image must mask between 1 and ${numPatches - 1} patches, got ${nm}`);
  return {
    batch,
    numPatches,
    visible: select(mask, batch, numPatches, 0, numPatches - nm),
    masked: select(mask, batch, numPatches, 1, nm),
  };
}

/** Every patch of every image, for the encoder with nothing masked (probes, full reconstruction). */
export function allPatches(batch: number, numPatches: number): PatchSelection {
  return select(new Uint8Array(batch * numPatches), batch, numPatches, 0, numPatches);
}
