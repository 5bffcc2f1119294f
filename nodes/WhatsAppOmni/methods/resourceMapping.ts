// Resource mappers (one field per template variable).
export {};
