/**
 * Reading and writing tensors on disk.
 *
 * <p>{@link dev.backprop.io.Safetensors} stores named tensors in the safetensors format (a JSON header followed by
 * raw little-endian data), which PyTorch and NumPy tools read and write too. {@link dev.backprop.io.AtomicFiles}
 * replaces a file in one atomic rename, so that a crash during a save never leaves a half-written file behind.
 * Java serialization is never used.
 */
package dev.backprop.io;
