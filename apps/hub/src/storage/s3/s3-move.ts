import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { StorageNotFoundError } from '../errors.js';
import { choosePartSize, MAX_PUT_SIZE } from '../storage.js';
import { s3ErrorCode, translateS3Error } from './s3-errors.js';

/** The `x-amz-copy-source` of a key: bucket and key, each segment URL-encoded. */
const copySource = (bucket: string, key: string) =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * `ObjectStorage.move` on S3/R2: a server-side copy (`CopyObject` with the type replaced; parts copied with
 * `UploadPartCopy` above 5 GiB, the most one copy may take), then the source deleted. The copy reads one
 * consistent version of the source, so a PUT racing it lands whole or not at all.
 */
export async function moveS3(
  client: S3Client,
  bucket: string,
  from: string,
  to: string,
  contentType: string | undefined,
  maxCopySize = MAX_PUT_SIZE,
): Promise<{ etag: string }> {
  let etag: string;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: from }));
    const type = contentType ?? head.ContentType;
    const size = head.ContentLength ?? 0;
    etag =
      size <= maxCopySize
        ? await copyWhole(client, bucket, from, to, type)
        : await copyParts(client, bucket, from, to, type, size, maxCopySize);
  } catch (error) {
    const code = s3ErrorCode(error);
    if (code === 'NotFound' || code === 'NoSuchKey') throw new StorageNotFoundError(from);
    throw translateS3Error(error, from);
  }
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: from }));
  return { etag };
}

async function copyWhole(
  client: S3Client,
  bucket: string,
  from: string,
  to: string,
  type: string | undefined,
): Promise<string> {
  const out = await client.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: to,
      CopySource: copySource(bucket, from),
      MetadataDirective: 'REPLACE',
      ...(type ? { ContentType: type } : {}),
    }),
  );
  return out.CopyObjectResult?.ETag ?? '';
}

async function copyParts(
  client: S3Client,
  bucket: string,
  from: string,
  to: string,
  type: string | undefined,
  size: number,
  maxCopySize: number,
): Promise<string> {
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: to, ...(type ? { ContentType: type } : {}) }),
  );
  const uploadId = created.UploadId as string;
  const partSize = Math.min(choosePartSize(size, 1024 * 1024 * 1024), maxCopySize);
  try {
    const parts: { PartNumber: number; ETag: string }[] = [];
    for (let start = 0, n = 1; start < size; start += partSize, n++) {
      const end = Math.min(start + partSize, size) - 1;
      const out = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: to,
          UploadId: uploadId,
          PartNumber: n,
          CopySource: copySource(bucket, from),
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      );
      parts.push({ PartNumber: n, ETag: out.CopyPartResult?.ETag ?? '' });
    }
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: to,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    return done.ETag ?? '';
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId: uploadId }))
      .catch(() => {});
    throw error;
  }
}
