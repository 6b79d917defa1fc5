// Files handed to the user through an <a download>, which both Electron and a browser turn into a
// save: figures and encodings (Latent space), PyTorch weights (Library).

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the blob over; a little later it may go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A safe file name from a model name and what is in the file. */
export function exportName(model: string, what: string, ext: string): string {
  return `${model}-${what}`.replace(/[^\w.-]+/g, '_') + `.${ext}`;
}
