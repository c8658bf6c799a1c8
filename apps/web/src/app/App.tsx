import { QueryClientProvider } from '@tanstack/react-query';
import { AuthProvider, useAuth } from '../auth/session';
import { SignIn } from '../auth/SignIn';
import { StepUpProvider } from '../auth/step-up';
import { queryClient } from '../lib/query-client';
import { Shell } from '../shell/Shell';

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <StepUpProvider>
        <AuthProvider>
          <Screen />
        </AuthProvider>
      </StepUpProvider>
    </QueryClientProvider>
  );
}

function Screen() {
  const { state } = useAuth();
  if (state.status === 'loading') {
    return (
      <p className="muted centered" role="status">
        Loading Baton…
      </p>
    );
  }
  if (state.status === 'signed_in' && state.session.pending === null) return <Shell />;
  return <SignIn />;
}
