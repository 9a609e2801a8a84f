// The domain types live in shared/ so the renderer can use them too.
export * from '../../shared/domain';
