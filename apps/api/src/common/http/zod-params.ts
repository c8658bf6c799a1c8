import { Body, Param, Query } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe.js';

type OpenApiSchema = Record<string, unknown>;

/** A contract as an OpenAPI schema (what callers send). */
export function openApiSchema(schema: z.ZodType): OpenApiSchema {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as OpenApiSchema;
}

function describeMethod(target: object, key: string | symbol | undefined, decorator: MethodDecorator): void {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor) decorator(target, key, descriptor);
}

/** The request body, validated by a contract; the same contract documents it in OpenAPI. */
export function ZodBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema))(target, key, index);
    describeMethod(target, key, ApiBody({ schema: openApiSchema(schema) as never }));
  };
}

/** The query string, validated by a contract; each of its fields is documented in OpenAPI. */
export function ZodQuery(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodValidationPipe(schema))(target, key, index);
    const properties = (openApiSchema(schema).properties ?? {}) as Record<string, OpenApiSchema>;
    for (const [name, property] of Object.entries(properties)) {
      describeMethod(target, key, ApiQuery({ name, required: false, schema: property as never }));
    }
  };
}

/** A path parameter that must be a UUID (a 400, not a database error, when it is not). */
export function UuidParam(name = 'id'): ParameterDecorator {
  return Param(name, new ZodValidationPipe(z.uuid()));
}
