// Original file: contracts/proto/iot/v1/pipeline.proto


/**
 * No fields: the whole pipeline is checked.
 */
export interface GetPipelineHealthRequest {
}

/**
 * No fields: the whole pipeline is checked.
 */
export interface GetPipelineHealthRequest__Output {
}
